import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Template } from 'aws-cdk-lib/assertions';
import { NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { CERTIFICATE_ARN, ENV, NODEGROUPS, PairAppOptions, buildPairApp, color, tempStateFile } from './pair-app';
import { testApp } from '../helpers';
import { DependentCache } from '../../lib/data/dependent-cache';
import { ExitCode, runCli } from '../../lib/cli/program';
import { recordPair } from '../../lib/cli/pair';
import { readStateFile } from '../../lib/blue-green/pair-state';
import { clusterFingerprint } from '../../lib/blue-green/cluster-change';
import { ConnectivityReport } from '../../lib/model/flow-model';
import { OWNED_ADDONS, defaultAddonVersion } from '../../lib/model/addon-versions';
import { PairChangeIntent } from '../../lib/blue-green/pair-change-intent';
import { ChangeSafety } from '../../lib/model/change-safety';
import { ChangeKind } from '../../lib/model/change-verdicts';
import { CloudFormationSchema } from '../../lib/checks/cloudformation-schema';
import { BlueGreenClusterPair, PairColor, PairRisk, TrafficShift, UpgradeStrategy } from '../../lib';
import { CFN_LINT_EXEMPT } from '../support/shared-validate-global';

const V1_33 = eks.KubernetesVersion.V1_33;
const V1_34 = eks.KubernetesVersion.V1_34;
const STACKS = ['Payments-Shared', 'Payments-Blue', 'Payments-Green', 'Payments-Traffic'];
const STATEFUL_TYPES = ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::KMS::Key',
  'AWS::S3::Bucket', 'AWS::SecretsManager::Secret', 'AWS::EKS::Cluster'];

interface State {
  readonly name: string;
  readonly dir: string;
  readonly templates: { [stack: string]: string };
}

const states: State[] = [];
const stateFile = tempStateFile();
const byName = (name: string) => states.find((s) => s.name === name)!;
// Template JSON, typed only as far as the tests read it.
interface Json { readonly [key: string]: Json }
const template = (s: State, stack: string) => JSON.parse(s.templates[stack]) as { Resources?: { [id: string]: { Type: string; Properties: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string } } };

/** Synthesizes one state, then records it as deployed: the next state is checked against it, as in real use. */
function deployState(name: string, options: Omit<PairAppOptions, 'stateFile'>): void {
  const assembly = buildPairApp({ ...options, stateFile }).app.synth();
  const templates: { [stack: string]: string } = {};
  for (const stack of STACKS) templates[stack] = fs.readFileSync(path.join(assembly.directory, `${stack}.template.json`), 'utf-8');
  states.push({ name, dir: assembly.directory, templates });
  recordPair(assembly.directory, 'Payments', stateFile);
}

beforeAll(() => {
  deployState('blue-live', { blue: color(V1_33, 100) });
  deployState('green-idle', { blue: color(V1_33, 100), green: color(V1_34, 0) });
  deployState('canary 90/10', { blue: color(V1_33, 90), green: color(V1_34, 10) });
  deployState('green-live', { blue: color(V1_33, 0), green: color(V1_34, 100) });
  deployState('blue-unprotected', { blue: color(V1_33, 0, { deletionProtection: false }), green: color(V1_34, 100) });
  deployState('blue-retired', { green: color(V1_34, 100) });
}, 600_000);

describe('BlueGreenClusterPair across the states of an upgrade', () => {
  test('four stacks, named <id>-Shared, -Blue, -Green, -Traffic', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(byName('blue-live').dir, 'manifest.json'), 'utf-8'));
    const stacks = Object.entries(manifest.artifacts as { [id: string]: { type: string } })
      .filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id]) => id).sort();
    expect(stacks).toEqual([...STACKS].sort());
  });

  test('the Shared template is byte-identical in every state', () => {
    const shared = states.map((s) => s.templates['Payments-Shared']);
    for (const t of shared) expect(t).toBe(shared[0]);
    // What Shared holds, whatever the colors do:
    const t = Template.fromJSON(JSON.parse(shared[0]));
    t.resourceCountIs('AWS::RDS::DBCluster', 1);
    t.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    t.resourceCountIs('AWS::EKS::Cluster', 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
  });

  test('no stateful resource changes logical ID or loses its retain/snapshot policy between states', () => {
    const stateful = (s: State, stack: string) => Object.entries(template(s, stack).Resources ?? {})
      .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
      .map(([id, r]) => `${stack}/${id} ${r.Type} ${r.DeletionPolicy} ${r.UpdateReplacePolicy}`).sort();
    const sharedStateful = stateful(states[0], 'Payments-Shared');
    expect(sharedStateful.some((r) => /DBCluster Snapshot Snapshot$/.test(r))).toBe(true);
    expect(sharedStateful.filter((r) => / AWS::KMS::Key Retain Retain$/.test(r)).length).toBeGreaterThanOrEqual(2);
    for (const s of states) expect(stateful(s, 'Payments-Shared')).toEqual(sharedStateful);
    // A color's cluster keeps its logical ID and deletion protection until the two-step retirement.
    const blueCluster = (s: State) => Object.entries(template(s, 'Payments-Blue').Resources ?? {}).filter(([, r]) => r.Type === 'AWS::EKS::Cluster')
      .map(([id, r]) => `${id} ${r.Properties.Name} ${r.Properties.DeletionProtection}`);
    const first = blueCluster(states[0]);
    expect(first).toHaveLength(1);
    for (const s of states.slice(0, 4)) expect(blueCluster(s)).toEqual(first);
    expect(blueCluster(byName('blue-unprotected'))[0]).toBe(first[0].replace(/ true$/, ' false'));
  });

  test('through the change-safety diff, every step of the upgrade is safe: nothing stateful is replaced or lost, Shared never changes', () => {
    const schema = new CloudFormationSchema();
    // The pair's own intent tells the engine the idle color's replacement and retirement are by design.
    const intents = [new PairChangeIntent()];
    const templatesOf = (s: State) => STACKS.map((stack) => ({ stackName: stack, template: JSON.parse(s.templates[stack]) }));
    for (let i = 1; i < states.length; i++) {
      const [before, after] = [states[i - 1], states[i]];
      const report = ChangeSafety.compare(templatesOf(before), templatesOf(after), schema, { intents });
      const step = `${before.name} -> ${after.name}`;
      expect({ step, findings: report.findings }).toEqual({ step, findings: [] });
      const touched = report.resources.filter((r) => r.change !== ChangeKind.UNCHANGED);
      expect({ step, shared: touched.filter((r) => r.stack === 'Payments-Shared') }).toEqual({ step, shared: [] });
      const lostState = touched.filter((r) => STATEFUL_TYPES.includes(r.type) && r.type !== 'AWS::EKS::Cluster'
        && [ChangeKind.REPLACED, ChangeKind.REMOVED, ChangeKind.MAY_BE_REPLACED].includes(r.change));
      expect({ step, lostState }).toEqual({ step, lostState: [] });
    }
    // The only cluster that ever leaves is Blue's, after it was unprotected at weight 0.
    const retire = ChangeSafety.compare(templatesOf(byName('blue-unprotected')), templatesOf(byName('blue-retired')), schema, { intents });
    expect(retire.resources.filter((r) => r.type === 'AWS::EKS::Cluster' && r.change !== ChangeKind.UNCHANGED))
      .toEqual([expect.objectContaining({ stack: 'Payments-Blue', change: ChangeKind.REMOVED })]);
  });

  test('a weight shift changes only the Traffic stack', () => {
    for (const [from, to] of [['green-idle', 'canary 90/10'], ['canary 90/10', 'green-live']]) {
      const changed = STACKS.filter((stack) => byName(from).templates[stack] !== byName(to).templates[stack]);
      expect(changed).toEqual(['Payments-Traffic']);
    }
    const weights = (s: State) => (Object.values(template(s, 'Payments-Traffic').Resources ?? {})
      .find((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')!.Properties.Actions[0].ForwardConfig.TargetGroups as unknown as Array<{ Weight: number }>).map((g) => g.Weight);
    expect(weights(byName('canary 90/10'))).toEqual([90, 10]);
    expect(weights(byName('green-live'))).toEqual([0, 100]);
    expect(Object.keys(template(byName('green-live'), 'Payments-Traffic').Resources ?? {}).filter((id) => id !== 'CDKMetadata')).toHaveLength(1);
  });

  test('retiring Blue never touches Shared or Green, and leaves Blue\'s stack a deployable placeholder', () => {
    expect(byName('blue-retired').templates['Payments-Green']).toBe(byName('blue-unprotected').templates['Payments-Green']);
    expect(byName('blue-retired').templates['Payments-Shared']).toBe(byName('blue-unprotected').templates['Payments-Shared']);
    // CloudFormation refuses a template without resources (cfn-lint E1001): a pipeline would fail to deploy it.
    expect(template(byName('blue-retired'), 'Payments-Blue').Resources).toEqual({ Retired: { Type: 'AWS::CloudFormation::WaitConditionHandle' } });
  });

  test('both colors\' flows, the load balancer and data stores included, hold before and after the replay in every state', () => {
    for (const s of states) {
      let out = '';
      const code = runCli(['verify', s.dir, '--json'], { out: (t) => { out += t; }, err: () => undefined, writeFile: () => undefined });
      expect({ state: s.name, code }).toEqual({ state: s.name, code: ExitCode.OK });
      const report = JSON.parse(out) as ConnectivityReport;
      const clusters = [...new Set(report.flows.map((f) => f.cluster.split('/')[0]))].sort();
      const colors = ['Blue', 'Green'].filter((c) => Object.values(template(s, `Payments-${c}`).Resources ?? {}).some((r) => r.Type === 'AWS::EKS::Cluster'));
      expect(clusters).toEqual(colors.map((c) => `Payments-${c}`));
      for (const c of clusters) {
        const ids = report.flows.filter((f) => f.cluster.startsWith(`${c}/`)).map((f) => f.flowId);
        expect(ids).toEqual(expect.arrayContaining(['LoadBalancerToNodes', 'NodesToDatabase', 'NodesToCache', 'ControlPlaneToNodesKubelet']));
      }
      expect(runCli(['verify', s.dir, '--replay'], { out: () => undefined, err: () => undefined, writeFile: () => undefined })).toBe(ExitCode.OK);
    }
  });

  test('the load balancer -> nodes rules are owned by the color, on its node group and the imported load balancer group', () => {
    const blue = Template.fromJSON(template(byName('green-idle'), 'Payments-Blue'));
    blue.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { 'Fn::ImportValue': 'Payments-Shared-LoadBalancerSecurityGroupId' },
    });
    blue.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      FromPort: 8080, GroupId: { 'Fn::ImportValue': 'Payments-Shared-LoadBalancerSecurityGroupId' },
    });
  });

  test('each color has a TargetGroupBinding manifest as a stack output and a file in the assembly', () => {
    const s = byName('canary 90/10');
    for (const c of ['Blue', 'Green']) {
      const file = fs.readFileSync(path.join(s.dir, `Payments-${c}.targetgroupbinding.yaml`), 'utf-8');
      expect(file).toContain('kind: TargetGroupBinding');
      expect(file).toContain(`targetGroupName: payments-${c.toLowerCase()}`);
      expect(file).not.toMatch(/^\s*networking:/m);
      const outputs = JSON.parse(s.templates[`Payments-${c}`]).Outputs;
      expect(outputs.TargetGroupBinding.Value).toBe(file);
    }
    expect(fs.existsSync(path.join(byName('blue-retired').dir, 'Payments-Blue.targetgroupbinding.yaml'))).toBe(false);
  });

  test('record after each state round-trips through the state file', () => {
    const recorded = readStateFile(stateFile).pairs.Payments;
    expect(recorded.blue).toBeUndefined();
    expect(recorded.green).toMatchObject({ version: '1.34', weight: 100, clusterName: 'payments-green-1-34', deletionProtection: true });
    expect(recorded.green!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // The resources the fingerprint hashes travel with it, for the guard's diff; the fingerprint is their hash.
    const types = Object.values(recorded.green!.resources ?? {}).map((r) => (r as { Type: string }).Type);
    expect(new Set(types)).toEqual(new Set(['AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::SecurityGroup',
      'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation']));
    expect(clusterFingerprint(recorded.green!.resources!)).toBe(recorded.green!.fingerprint);
    // And the versions its template names: the table's add-ons of its minor; the node group names no version with the pin flag off, only its AMI type.
    expect(recorded.green!.addons).toEqual(Object.fromEntries(OWNED_ADDONS.map((a) => [a, defaultAddonVersion(a, '1.34')!.version])));
    expect(recorded.green!.nodegroups).toEqual({ General: { amiType: 'AL2023_x86_64_STANDARD' } });
  });
});

describe('guards fire at synth, against the recorded state', () => {
  // Synthesis stops at validation, before any template is written, when a guard fires.
  const errorsOf = (options: PairAppOptions | Omit<PairAppOptions, 'stateFile'>, file: string) => {
    try {
      buildPairApp({ ...options, stateFile: file }).app.synth();
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  const blueLiveState = () => tempStateFile(readStateFile(stateFileAt('green-idle')));
  const stateFileAt = (name: string) => {
    // Re-record one state into its own file, so each guard test starts from a known deploy.
    const file = tempStateFile();
    recordPair(byName(name).dir, 'Payments', file);
    return file;
  };

  test('a version change of the live color is refused, naming the color, both versions, what the diff engine says and the way out', () => {
    const message = errorsOf({ blue: color(V1_34, 100), green: color(V1_34, 0) }, blueLiveState());
    // REPLACE renames the cluster: the change-safety diff, with the CloudFormation schemas, says it and its node group are replaced.
    expect(message).toContain('Payments: color Blue: it serves traffic (recorded weight 100, new weight 100), so its cluster must not change; '
      + 'got version 1.33 -> 1.34; ClusterC2E21B66 (AWS::EKS::Cluster) replaced: Name (create-only: Name) changes; '
      + 'ClusterAddonsCoreDns9E4B03F8 (AWS::EKS::Addon) replaced: ClusterC2E21B66 is replaced, and ClusterName.Ref (create-only: ClusterName) names it');
    // Five are named, the cluster first; the rest (its node group among them) are counted.
    expect(message).toContain('and 3 more resources (`cdk-safe-eks diff` lists them all)');
    expect(message).toContain('make the change on the color at weight 0 (Green, once it has no traffic;');
    // The freeze is the one error: the version rules' own fix (unprotect it first) would be refused too.
    expect(message).not.toContain('REPLACE recreates the cluster');
  });

  test('an idle color changed and given weight in the same deploy is told to take the change first, alone', () => {
    const message = errorsOf({ blue: color(V1_33, 90), green: color(eks.KubernetesVersion.V1_35, 10) }, blueLiveState());
    expect(message).toMatch(/color Green: it serves traffic \(recorded weight 0, new weight 10\), so its cluster must not change; got version 1\.34 -> 1\.35.* Fix: deploy the change with green\.weight 0 first and run `cdk-safe-eks pair record`, then shift traffic to Green/);
  });

  test('a node group change of the live color is refused even with an unchanged version, naming the property', () => {
    const message = errorsOf({
      blue: color(V1_33, 100, { nodegroups: { General: { ...NODEGROUPS.General, desiredSize: 3 } } }), green: color(V1_34, 0),
    }, blueLiveState());
    expect(message).toContain('color Blue: it serves traffic (recorded weight 100, new weight 100), so its cluster must not change; '
      + 'got ClusterGeneralB559E85E (AWS::EKS::Nodegroup) updated: ScalingConfig.DesiredSize.');
  });

  test('acknowledgeLiveUpdate lets the live color be resized in place, with a warning; its version still may not change', () => {
    const resized = { blue: color(V1_33, 100, { nodegroups: { General: { ...NODEGROUPS.General, desiredSize: 3 } } }), green: color(V1_34, 0) };
    const { app, pair } = buildPairApp({ ...resized, stateFile: blueLiveState() });
    pair.acknowledgeLiveUpdate(PairColor.BLUE, 'scale General to 3 nodes');
    const warnings = app.synth().getStackByName('Payments-Traffic').messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    expect(warnings.join('\n')).toContain('Payments: color Blue: it serves traffic and its cluster is updated in place, as acknowledged ("scale General to 3 nodes"): '
      + 'ClusterGeneralB559E85E (AWS::EKS::Nodegroup) updated: ScalingConfig.DesiredSize.');
    const upgraded = buildPairApp({ blue: color(V1_34, 100), green: color(V1_34, 0), stateFile: blueLiveState() });
    upgraded.pair.acknowledgeLiveUpdate(PairColor.BLUE, 'try to upgrade the live color');
    expect(() => upgraded.app.synth()).toThrow(/color Blue: .* other than by updates in place, which acknowledgeLiveUpdate accepts; got version 1\.33 -> 1\.34;/);
    expect(() => pair.acknowledgeLiveUpdate(PairColor.GREEN, ' ')).toThrow('Payments: an acknowledgement needs a reason. Got: " ". Fix: say why the live cluster must change now');
  });

  test('a state file recorded without resources (before the library kept them) still refuses by fingerprint', () => {
    const recorded = readStateFile(blueLiveState());
    const old = tempStateFile({ ...recorded, pairs: { Payments: { ...recorded.pairs.Payments, blue: { ...recorded.pairs.Payments.blue, resources: undefined } } } });
    expect(errorsOf({ blue: color(V1_33, 100), green: color(V1_34, 0) }, old)).toBe('');
    expect(errorsOf({ blue: color(V1_33, 100, { nodegroups: { General: { ...NODEGROUPS.General, desiredSize: 3 } } }), green: color(V1_34, 0) }, old))
      .toMatch(/color Blue: it serves traffic .* got cluster fingerprint [0-9a-f]{16} -> [0-9a-f]{16} \(.*`cdk-safe-eks pair record` after the next deploy lets this message name them\)/);
  });

  test('weights outside 0-100 or not summing to 100 are refused', () => {
    expect(errorsOf({ blue: color(V1_33, 100), green: color(V1_34, 10) }, blueLiveState()))
      .toContain('weights must sum to 100; got blue 100 + green 10 = 110');
    expect(() => buildPairApp({ blue: color(V1_33, 100.5), green: color(V1_34, -0.5), stateFile: blueLiveState() }))
      .toThrow('Payments: `blue.weight` must be a whole number from 0 to 100. Got: 100.5.');
  });

  test('a live color cannot be retired, and retiring a protected color takes two steps', () => {
    expect(errorsOf({ green: color(V1_34, 100) }, blueLiveState()))
      .toContain('color Blue: it cannot be retired while it serves traffic; got recorded weight 100 -> retired.');
    expect(errorsOf({ green: color(V1_34, 100) }, stateFileAt('green-live')))
      .toContain('color Blue: it is retired in two steps and its cluster payments-blue-1-33 still has deletion protection');
  });

  test('REPLACE of a protected idle cluster and IN_PLACE skipping a minor version are refused', () => {
    expect(errorsOf({ blue: color(V1_33, 100), green: color(eks.KubernetesVersion.V1_35, 0) }, blueLiveState()))
      .toContain('color Green: REPLACE recreates the cluster (payments-green-1-34) for 1.34 -> 1.35, and the old one has deletion protection');
    const inPlace = tempStateFile({ formatVersion: 1, pairs: { Payments: { ...readStateFile(blueLiveState()).pairs.Payments, upgradeStrategy: 'IN_PLACE' } } });
    const skipped = errorsOf({ blue: color(V1_33, 100), green: color(eks.KubernetesVersion.of('1.36'), 0), upgradeStrategy: UpgradeStrategy.IN_PLACE }, inPlace);
    expect(skipped).toContain('color Green: IN_PLACE moves a cluster one minor version up at a time; got 1.34 -> 1.36.');
    expect(skipped).toContain('set green.version to 1.35, deploy it and run `cdk-safe-eks pair record` first');
    // A downgrade is not a skipped step: EKS cannot go back, so the fix is the recorded version, not the next one.
    const down = errorsOf({ blue: color(V1_33, 100), green: color(V1_33, 0), upgradeStrategy: UpgradeStrategy.IN_PLACE }, inPlace);
    expect(down).toContain('EKS cannot downgrade a cluster; got 1.34 -> 1.33.');
    expect(down).toContain('set green.version back to 1.34');
    expect(down).not.toContain('to 1.35');
  });

  test('a 0 -> 100 jump is refused, or, accepted with acknowledgeRisk, warns with the reason on the Traffic stack', () => {
    const jump = { blue: color(V1_33, 0), green: color(V1_34, 100) };
    expect(errorsOf(jump, blueLiveState())).toContain('Payments: color Green: weight jumps from 0 to 100 in one deploy, with no canary: if Green fails under load, all traffic fails with it. '
      + 'Fix: shift 10, then 50, then 100 (`cdk-safe-eks pair plan`), observing Green between steps; or accept the risk with pair.acknowledgeRisk(PairColor.GREEN, PairRisk.WEIGHT_JUMP, \'<reason>\')');
    const { app, pair } = buildPairApp({ ...jump, stateFile: blueLiveState() });
    pair.acknowledgeRisk(PairColor.GREEN, PairRisk.WEIGHT_JUMP, 'Green serves no users yet');
    const warnings = app.synth().getStackByName('Payments-Traffic').messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    expect(warnings.join('\n')).toContain('color Green: weight jumps from 0 to 100 in one deploy, with no canary: if Green fails under load, all traffic fails with it. Accepted: "Green serves no users yet".');
    expect(() => pair.acknowledgeRisk(PairColor.GREEN, 'Jump' as PairRisk, 'x')).toThrow('acknowledgeRisk: risk');
    expect(() => pair.acknowledgeRisk(PairColor.GREEN, PairRisk.WEIGHT_JUMP, ' ')).toThrow('Fix: say why the risk is accepted');
  });

  test('clusterOf returns each color\'s cluster', () => {
    const { pair } = buildPairApp({ blue: color(V1_33, 100), stateFile: tempStateFile() });
    expect(pair.clusterOf(PairColor.BLUE)).toBe(pair.blue);
    expect(pair.clusterOf(PairColor.GREEN)).toBeUndefined();
  });
});

test('a color whose connectivity proof fails may not receive weight', () => {
  const { app, pair } = buildPairApp({ blue: color(V1_33, 100), stateFile: tempStateFile() });
  // Take away the load balancer -> nodes ingress rule the color owns.
  const nodeGroup = pair.blue!.nodeSecurityGroup.node;
  const rule = nodeGroup.children.find((c) => c.node.id.includes('LoadBalancerSecurityGroup'))!;
  nodeGroup.tryRemoveChild(rule.node.id);
  expect(() => app.synth()).toThrow(/Payments: color Blue: it may not receive weight 100: its connectivity proof fails \(before or after the incident replay\): LoadBalancerToNodes|no LoadBalancerToNodes flow/);
});

describe('TrafficShift.route53Weighted and input errors', () => {
  test('route53Weighted: Traffic holds one weighted record per color with a DNS name; Shared has no load balancer', () => {
    const app = testApp();
    const zones = new Stack(app, 'Zones', { env: ENV });
    Validations.of(zones).acknowledge({ id: 'CloudFormation-Validate::F0001', reason: 'Only imports the hosted zone; nothing to deploy.' });
    zones.templateOptions.metadata = { [CFN_LINT_EXEMPT]: 'imports only; a stack with no resources is not deployed' };
    const zone = route53.HostedZone.fromHostedZoneAttributes(zones, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    const pair = new BlueGreenClusterPair(app, 'Dns', {
      env: ENV, stateFile: tempStateFile(),
      trafficShift: TrafficShift.route53Weighted({ zone, recordName: 'api', blueDnsName: 'blue.elb.example.com', greenDnsName: 'green.elb.example.com' }),
      blue: color(V1_33, 90), green: color(V1_34, 10),
    });
    Template.fromStack(pair.trafficStack).resourcePropertiesCountIs('AWS::Route53::RecordSet', { Type: 'CNAME' }, 2);
    Template.fromStack(pair.trafficStack).hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.', SetIdentifier: 'green', Weight: 10, ResourceRecords: ['green.elb.example.com'],
      // The documented default: a shift or a rollback waits on DNS caches for a minute, not aws-cdk-lib's 30.
      TTL: '60',
    });
    Template.fromStack(pair.sharedStack).resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    expect(pair.loadBalancer).toBeUndefined();
  });

  test('route53Weighted without a DNS name for a color that gets weight is refused', () => {
    const app = testApp();
    const zones = new Stack(app, 'Zones', { env: ENV });
    zones.templateOptions.metadata = { [CFN_LINT_EXEMPT]: 'imports only; a stack with no resources is not deployed' };
    const zone = route53.HostedZone.fromHostedZoneAttributes(zones, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    expect(() => new BlueGreenClusterPair(app, 'Dns', {
      env: ENV, stateFile: tempStateFile(), trafficShift: TrafficShift.route53Weighted({ zone, recordName: 'api' }), blue: color(V1_33, 100),
    })).toThrow('Dns: color Blue has weight 100 but route53Weighted has no DNS name for it. Got: undefined. Fix: set blueDnsName in TrafficShift.route53Weighted');
  });

  test('a pair inside a Stack, a bad name prefix, a store outside Shared and an unreadable state file are refused', () => {
    const shift = TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN });
    const inStack = new Stack(testApp(), 'S', { env: ENV });
    expect(() => new BlueGreenClusterPair(inStack, 'P', { env: ENV, trafficShift: shift, stateFile: tempStateFile() }))
      .toThrow('S/P: a BlueGreenClusterPair makes four stacks of its own, so its scope must be an App or a Stage. Got: S.');
    expect(() => new BlueGreenClusterPair(testApp(), 'P', { env: ENV, trafficShift: shift, namePrefix: 'Payments_1', stateFile: tempStateFile() }))
      .toThrow('Got: "Payments_1". Fix: set `namePrefix`');
    const { pair, app } = buildPairApp({ blue: color(V1_33, 100), stateFile: tempStateFile() });
    const elsewhere = new Stack(app, 'Elsewhere', { env: ENV });
    expect(() => pair.addDataStore(new DependentCache(elsewhere, 'Cache', { vpc: pair.vpc })))
      .toThrow(/Payments: data stores of a pair live in its Shared stack, which no color change touches\. Got: Elsewhere\/Cache in stack Elsewhere/);
    const inNested = new DependentCache(new NestedStack(pair.sharedStack, 'Stores'), 'Cache', { vpc: pair.vpc });
    expect(() => pair.addDataStore(inNested)).toThrow('Payments: data stores of a pair live in its Shared stack itself: each color is proven against the Shared template, '
      + 'which does not hold the resources of its nested stacks. Got: Payments-Shared/Stores/Cache in nested stack Payments-Shared/Stores.');
    const cache = new DependentCache(pair.sharedStack, 'ExtraCache', { vpc: pair.vpc });
    pair.addDataStore(cache);
    expect(() => pair.addDataStore(cache)).toThrow('Payments: this data store was already added to the pair. Got: Payments-Shared/ExtraCache. Fix: call addDataStore once per store');
    const broken = tempStateFile();
    fs.writeFileSync(broken, '{"formatVersion": 1, "pairs": {"Payments": {}}}');
    expect(() => buildPairApp({ blue: color(V1_33, 100), stateFile: broken }))
      .toThrow(/Payments: the state file of blue-green pairs cannot be read\. Got: .*pair "Payments" has no upgradeStrategy\. Fix: restore the file from version control/);
    // One fix, not the reader's and the pair's both; a directory is named as one, not as bad JSON.
    const message = (stateFile: string) => { try { buildPairApp({ blue: color(V1_33, 100), stateFile }); return ''; } catch (e) { return (e as Error).message; } };
    expect(message(broken).match(/Fix:/g)).toHaveLength(1);
    expect(message(os.tmpdir())).toMatch(/cannot be read\. Got: .* is a directory, not a state file\. Fix: /);
  });
});
