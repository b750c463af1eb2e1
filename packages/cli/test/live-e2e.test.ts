import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../../bin/app';
import { recordPair } from '../../../lib/cli/pair';
import { ExitCode } from '../../../lib/cli/program';
import { ConnectivityReport } from '../../../lib/model/flow-model';
import { testApp } from '../../../test/helpers';
import { StackLock } from '../src/lock';
import { SecurityGroupRule, StackResource, writeSnapshot } from '../src/snapshot';
import { deployedAccount } from './support/deployed-account';
import { runLive } from './support/run';

/** End to end, offline: the example's own assembly, and a snapshot of an account it was deployed to. */
let assembly: string;
let dir: string;

beforeAll(() => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-live-'));
  assembly = buildApp(new App({ outdir: path.join(tmp, 'cdk.out'), context: testApp().node.getAllContext() })).synth().directory;
  dir = path.join(tmp, 'snapshot');
  writeSnapshot(dir, deployedAccount(assembly));
}, 300_000);


/** A copy of the snapshot whose live rules `edit` changed. */
function editedRules(name: string, edit: (rules: SecurityGroupRule[]) => SecurityGroupRule[]): string {
  const copy = `${dir}-${name}`;
  fs.cpSync(dir, copy, { recursive: true });
  const file = path.join(copy, 'security-group-rules.json');
  const rules = JSON.parse(fs.readFileSync(file, 'utf8')) as { SecurityGroupRules: SecurityGroupRule[] };
  fs.writeFileSync(file, JSON.stringify({ SecurityGroupRules: edit(rules.SecurityGroupRules) }));
  return copy;
}

/** The control plane's ingress of 443 from the nodes in Blue: the one rule that admits nodes to the API server. */
function httpsRule(): StackResource {
  const resources = JSON.parse(fs.readFileSync(path.join(dir, 'stack-resources', 'Payments-Blue.json'), 'utf8')).StackResources as StackResource[];
  return resources.find((r) => r.LogicalResourceId.startsWith('ClusterControlPlaneSecurityGroupfromPaymentsBlueClusterNodeSecurityGroup'))!;
}

function failingFlows(report: ConnectivityReport): string[] {
  return report.flows.filter((f) => !f.allowedBefore).map((f) => `${f.cluster} ${f.flowId}`);
}

describe('verify --live on the example', () => {
  test('the snapshot of the deployed example proves every required flow, with no drift: exit 0', async () => {
    const result = await runLive('verify', assembly, '--live', dir);
    expect(result.err).toBe('');
    expect(result.out).toContain('Live rules: every owned rule is as deployed.');
    expect(result.code).toBe(ExitCode.OK);
  });

  test('one required rule gone from the account: exit 1 naming its flow and the missing rule', async () => {
    const broken = editedRules('broken', (rules) => rules.filter((r) => r.SecurityGroupRuleId !== httpsRule().PhysicalResourceId));
    const result = await runLive('verify', assembly, '--live', broken);
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(result.out).toContain('Payments-Blue/ClusterC2E21B66 NodesToControlPlaneHttps: missing: no ingress rule on [Payments-Blue/ClusterControlPlaneSecurityGroupD274242C');
    expect(result.out).toMatch(new RegExp(`missing +\\S+ +Payments-Blue/${httpsRule().LogicalResourceId} \\(${httpsRule().PhysicalResourceId}\\)`));
    expect(failingFlows(JSON.parse((await runLive('verify', assembly, '--live', broken, '--json')).out).report)).toEqual(['Payments-Blue/ClusterC2E21B66 NodesToControlPlaneHttps']);
  });

  test('a required rule whose port was changed in the account: exit 1, the flow and the rule named, deployed and live', async () => {
    const changed = editedRules('changed', (rules) => rules.map((r) => (r.SecurityGroupRuleId === httpsRule().PhysicalResourceId ? { ...r, FromPort: 8443, ToPort: 8443 } : r)));
    const result = await runLive('verify', assembly, '--live', changed, '--json');
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    const { report, drift } = JSON.parse(result.out);
    expect(drift).toEqual([expect.objectContaining({
      kind: 'changed', rule: `Payments-Blue/${httpsRule().LogicalResourceId} (${httpsRule().PhysicalResourceId})`,
      detail: expect.stringMatching(/^deployed ingress tcp 443-443 sg-\w+, live ingress tcp 8443-8443 sg-\w+$/),
    })]);
    expect(failingFlows(report)).toEqual(['Payments-Blue/ClusterC2E21B66 NodesToControlPlaneHttps']);
  });

  test('a rule added outside CloudFormation to an owned group is drift: exit 1', async () => {
    const added = editedRules('added', (rules) => [...rules,
      { SecurityGroupRuleId: 'sgr-0handmade', GroupId: rules.find((r) => !r.IsEgress)!.GroupId, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' }]);
    const result = await runLive('verify', assembly, '--live', added, '--json');
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(JSON.parse(result.out).drift).toEqual([expect.objectContaining({ kind: 'added', rule: 'sgr-0handmade', detail: 'ingress tcp 22-22 10.0.0.0/8 (not in any template)' })]);
  });

  test('a snapshot without one of the assembly\'s stacks is unusable: exit 2', async () => {
    const partial = `${dir}-partial`;
    fs.cpSync(dir, partial, { recursive: true });
    fs.rmSync(path.join(partial, 'templates', 'Payments-Traffic.json'));
    const result = await runLive('verify', assembly, '--live', partial);
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('it has no stack resources or deployed template of a stack of the assembly. Got: Payments-Traffic.');
  });
});

describe('lock --dry-run --json on the example', () => {
  test('each stack denies replacing its clusters, the database and the cache; lifting a retired color says so', async () => {
    const result = await runLive('lock', assembly, '--dry-run', '--json');
    expect(result.code).toBe(ExitCode.OK);
    const locks = JSON.parse(result.out) as StackLock[];
    expect(locks.map((l) => l.stackName).sort()).toEqual(['Payments-Blue', 'Payments-Green', 'Payments-Shared', 'Payments-Traffic']);
    const denied = (stack: string) => locks.find((l) => l.stackName === stack)!.policy.Statement.find((s) => s.Effect === 'Deny');
    const template = (stack: string) => JSON.parse(fs.readFileSync(path.join(assembly, `${stack}.template.json`), 'utf8')).Resources as { [id: string]: { Type: string } };
    const ofType = (stack: string, type: string) => Object.entries(template(stack)).filter(([, r]) => r.Type === type).map(([id]) => `LogicalResourceId/${id}`);
    for (const stack of ['Payments-Blue', 'Payments-Green']) {
      expect(denied(stack)).toEqual(expect.objectContaining({ Action: ['Update:Replace', 'Update:Delete'], Resource: expect.arrayContaining(ofType(stack, 'AWS::EKS::Cluster')) }));
    }
    const shared = [...ofType('Payments-Shared', 'AWS::RDS::DBCluster'), ...ofType('Payments-Shared', 'AWS::ElastiCache::ReplicationGroup')];
    expect(shared).toHaveLength(2);
    expect(denied('Payments-Shared')!.Resource).toEqual(expect.arrayContaining(shared));

    const retiring = JSON.parse((await runLive('lock', assembly, '--dry-run', '--json', '--retire', 'green')).out) as StackLock[];
    const green = retiring.find((l) => l.stackName === 'Payments-Green')!;
    expect(green.locked).toEqual([]);
    expect(green.lifted.map((l) => l.reason)).toContain('stack Payments-Green is being retired');
    expect(retiring.find((l) => l.stackName === 'Payments-Blue')!.lifted).toEqual([]);
  });
});

describe('pair shift --dry-run --json on the example', () => {
  test('back to Blue after a shift to Green: the Traffic stack, its deploy and execution roles, and the five alarms of Blue, the color gaining weight', async () => {
    const state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-e2e-state-')), 'state.json');
    fs.writeFileSync(state, JSON.stringify({ formatVersion: 2, pairs: {} }));
    const recorded = recordPair(assembly, 'Payments', state).pairs.Payments;
    // As recorded after the last step of a shift to Green; the example's assembly gives Blue 100 again.
    fs.writeFileSync(state, JSON.stringify({ formatVersion: 2, pairs: { Payments: { ...recorded, blue: { ...recorded.blue!, weight: 0 }, green: { ...recorded.green!, weight: 100 } } } }));
    const result = await runLive('pair', 'shift', '--pair', 'Payments', '--assembly', assembly, '--state-file', state, '--dry-run', '--json');
    expect(result.err).toBe('');
    expect(result.code).toBe(ExitCode.OK);
    const json = JSON.parse(result.out);
    const { account, region } = recorded;
    expect(json.StackName).toBe('Payments-Traffic');
    expect(json.DeployRoleArn).toBe(`arn:aws:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${region}`);
    expect(json.RoleARN).toBe(`arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`);
    expect(json.weights).toEqual({ before: { blue: 0, green: 100 }, after: { blue: 100, green: 0 } });
    expect(json.RollbackConfiguration).toEqual({
      MonitoringTimeInMinutes: 10,
      RollbackTriggers: ['healthy-hosts', 'unhealthy-hosts', 'target-5xx', 'p99-response-time', 'changes']
        .map((kind) => ({ Arn: `arn:aws:cloudwatch:${region}:${account}:alarm:cdk-safe-eks-${recorded.blue!.clusterName}-${kind}`, Type: 'AWS::CloudWatch::Alarm' })),
    });
    // The alarms are the ones Blue's stack creates, by their fixed names.
    const blue = JSON.parse(fs.readFileSync(path.join(assembly, 'Payments-Blue.template.json'), 'utf8')).Resources as { [id: string]: { Type: string; Properties: { AlarmName?: unknown } } };
    const names = Object.values(blue).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties.AlarmName);
    for (const trigger of json.RollbackConfiguration.RollbackTriggers) expect(names).toContain(trigger.Arn.split(':alarm:')[1]);
  });
});

describe('pair record --from-deployed on the example', () => {
  const emptyState = () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-e2e-record-')), 'state.json');
    fs.writeFileSync(file, JSON.stringify({ formatVersion: 2, pairs: {} }));
    return file;
  };
  /** A copy of the snapshot whose deployed template of `stack` `edit` changed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, edited loosely as a hand-made deploy would
  const editedTemplate = (name: string, stack: string, edit: (template: { [key: string]: any }) => void) => {
    const copy = `${dir}-${name}`;
    fs.cpSync(dir, copy, { recursive: true });
    const file = path.join(copy, 'templates', `${stack}.json`);
    const body = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(body.TemplateBody);
    fs.writeFileSync(file, JSON.stringify(body));
    return copy;
  };

  test('deployed as synthesized: the same state as `pair record` from the assembly, fingerprints included', async () => {
    const fromAssembly = recordPair(assembly, 'Payments', emptyState()).pairs.Payments;
    const state = emptyState();
    const result = await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', dir, '--assembly', assembly, '--state-file', state);
    expect(result.err).toBe('');
    expect(result.code).toBe(ExitCode.OK);
    expect(result.out).toContain(`Recorded pair Payments in ${state} from its deployed stacks (snapshot ${dir}).`);
    expect(result.out).toContain(`The assembly ${assembly} deploys the same.`);
    expect(JSON.parse(fs.readFileSync(state, 'utf8')).pairs.Payments).toEqual(JSON.parse(JSON.stringify(fromAssembly)));
  });

  test('deployed weights and an older Green: the state says what is deployed, and the output what differs from the assembly', async () => {
    const shifted = editedTemplate('shifted', 'Payments-Traffic', (t) => { t.Metadata['cdk-safe-eks:pair-weights'].weights = { Blue: 90, Green: 10 }; });
    const older = editedTemplate('older', 'Payments-Green', (t) => {
      const cluster = Object.values(t.Resources as { [id: string]: { Type: string; Properties: { Version: string } } }).find((r) => r.Type === 'AWS::EKS::Cluster')!;
      cluster.Properties.Version = '1.33';
    });
    fs.cpSync(path.join(shifted, 'templates', 'Payments-Traffic.json'), path.join(older, 'templates', 'Payments-Traffic.json'));
    const state = emptyState();
    const result = await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', older, '--assembly', assembly, '--state-file', state);
    expect(result.code).toBe(ExitCode.OK);
    const recorded = JSON.parse(fs.readFileSync(state, 'utf8')).pairs.Payments;
    expect([recorded.blue.weight, recorded.green.weight, recorded.green.version]).toEqual([90, 10, '1.33']);
    expect(result.out).toContain(`What is deployed is not what ${assembly} would deploy (deploy it, then record again):`);
    expect(result.out).toMatch(/ {2}Blue: deployed payments-blue-1-34 1\.34, weight 90, .*; the assembly has payments-blue-1-34 1\.34, weight 100, /);
    expect(result.out).toMatch(/ {2}Green: deployed payments-green-1-34 1\.33, weight 10, .*; the assembly has payments-green-1-34 1\.34, weight 0, /);
  });

  test('a retired color is a deployed stack without a cluster; a Traffic stack without the pair\'s weights is exit 2', async () => {
    const retired = editedTemplate('retired', 'Payments-Green', (t) => { t.Resources = { Retired: { Type: 'AWS::CloudFormation::WaitConditionHandle' } }; });
    const state = emptyState();
    expect((await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', retired, '--assembly', assembly, '--state-file', state)).code).toBe(ExitCode.OK);
    expect(JSON.parse(fs.readFileSync(state, 'utf8')).pairs.Payments.green).toBeUndefined();
    const old = editedTemplate('unweighted', 'Payments-Traffic', (t) => { delete t.Metadata; });
    const result = await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', old, '--assembly', assembly, '--state-file', state);
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('stack Payments-Traffic: the deployed Traffic stack carries no weights of pair Payments (metadata cdk-safe-eks:pair-weights). Got: no such metadata.');
  });
});
