import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../../bin/app';
import { ExitCode } from '../../../lib/cli/program';
import { testApp } from '../../../test/helpers';
import { runLiveCli } from '../src';
import { StackLock } from '../src/lock';
import { writeSnapshot } from '../src/snapshot';
import { deployedAccount } from './support/deployed-account';

/** End to end, offline: the example's own assembly, and a snapshot of an account it was deployed to. */
let assembly: string;
let dir: string;

beforeAll(() => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-live-'));
  assembly = buildApp(new App({ outdir: path.join(tmp, 'cdk.out'), context: testApp().node.getAllContext() })).synth().directory;
  dir = path.join(tmp, 'snapshot');
  writeSnapshot(dir, deployedAccount(assembly));
}, 300_000);

async function run(...args: string[]): Promise<{ code: ExitCode; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runLiveCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, writeFile: () => undefined });
  return { code, out, err };
}

describe('verify --live on the example', () => {
  test('the snapshot of the deployed example proves every required flow, with no drift: exit 0', async () => {
    const result = await run('verify', assembly, '--live', dir);
    expect(result.err).toBe('');
    expect(result.out).toContain('Live rules: every owned rule is as deployed.');
    expect(result.code).toBe(ExitCode.OK);
  });

  test('one required rule gone from the account: exit 1 naming its flow and the missing rule', async () => {
    const broken = `${dir}-broken`;
    fs.cpSync(dir, broken, { recursive: true });
    const file = path.join(broken, 'security-group-rules.json');
    const rules = JSON.parse(fs.readFileSync(file, 'utf8'));
    const resources = JSON.parse(fs.readFileSync(path.join(broken, 'stack-resources', 'Payments-Blue.json'), 'utf8')).StackResources;
    // The control plane's ingress of 443 from the nodes: the one rule that admits nodes to the API server.
    const https = resources.find((r: { LogicalResourceId: string }) => r.LogicalResourceId.startsWith('ClusterControlPlaneSecurityGroupfromPaymentsBlueClusterNodeSecurityGroup'));
    expect(https).toBeDefined();
    rules.SecurityGroupRules = rules.SecurityGroupRules.filter((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId !== https.PhysicalResourceId);
    fs.writeFileSync(file, JSON.stringify(rules));
    const result = await run('verify', assembly, '--live', broken);
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(result.out).toContain('Payments-Blue/ClusterC2E21B66 NodesToControlPlaneHttps: missing: no ingress rule on [Payments-Blue/ClusterControlPlaneSecurityGroupD274242C');
    const failing = JSON.parse((await run('verify', assembly, '--live', broken, '--json')).out).report.flows
      .filter((f: { allowedBefore: boolean }) => !f.allowedBefore).map((f: { flowId: string; cluster: string }) => `${f.cluster} ${f.flowId}`);
    expect(failing).toEqual(['Payments-Blue/ClusterC2E21B66 NodesToControlPlaneHttps']);
    expect(result.out).toMatch(new RegExp(`missing +\\S+ +Payments-Blue/${https.LogicalResourceId} \\(${https.PhysicalResourceId}\\)`));
  });

  test('a required rule whose port was changed in the account: exit 1, the flow and the rule named, deployed and live', async () => {
    const changed = `${dir}-changed`;
    fs.cpSync(dir, changed, { recursive: true });
    const file = path.join(changed, 'security-group-rules.json');
    const rules = JSON.parse(fs.readFileSync(file, 'utf8'));
    const resources = JSON.parse(fs.readFileSync(path.join(changed, 'stack-resources', 'Payments-Blue.json'), 'utf8')).StackResources;
    const https = resources.find((r: { LogicalResourceId: string }) => r.LogicalResourceId.startsWith('ClusterControlPlaneSecurityGroupfromPaymentsBlueClusterNodeSecurityGroup'));
    const rule = rules.SecurityGroupRules.find((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId === https.PhysicalResourceId);
    Object.assign(rule, { FromPort: 8443, ToPort: 8443 });
    fs.writeFileSync(file, JSON.stringify(rules));
    const result = await run('verify', assembly, '--live', changed, '--json');
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    const { report, drift } = JSON.parse(result.out);
    expect(drift).toEqual([expect.objectContaining({ kind: 'changed', rule: `Payments-Blue/${https.LogicalResourceId} (${https.PhysicalResourceId})`, detail: expect.stringMatching(/^deployed ingress tcp 443-443 sg-\w+, live ingress tcp 8443-8443 sg-\w+$/) })]);
    expect(report.flows.filter((f: { allowedBefore: boolean }) => !f.allowedBefore).map((f: { flowId: string; cluster: string }) => `${f.cluster} ${f.flowId}`))
      .toEqual(['Payments-Blue/ClusterC2E21B66 NodesToControlPlaneHttps']);
  });

  test('a rule added outside CloudFormation to an owned group is drift: exit 1', async () => {
    const added = `${dir}-added`;
    fs.cpSync(dir, added, { recursive: true });
    const file = path.join(added, 'security-group-rules.json');
    const rules = JSON.parse(fs.readFileSync(file, 'utf8'));
    const group = rules.SecurityGroupRules.find((r: { IsEgress: boolean }) => !r.IsEgress).GroupId;
    rules.SecurityGroupRules.push({ SecurityGroupRuleId: 'sgr-0handmade', GroupId: group, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' });
    fs.writeFileSync(file, JSON.stringify(rules));
    const result = await run('verify', assembly, '--live', added, '--json');
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(JSON.parse(result.out).drift).toEqual([expect.objectContaining({ kind: 'added', rule: 'sgr-0handmade', detail: 'ingress tcp 22-22 10.0.0.0/8 (not in any template)' })]);
  });

  test('a snapshot without one of the assembly\'s stacks is unusable: exit 2', async () => {
    const partial = `${dir}-partial`;
    fs.cpSync(dir, partial, { recursive: true });
    fs.rmSync(path.join(partial, 'templates', 'Payments-Traffic.json'));
    const result = await run('verify', assembly, '--live', partial);
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('it has no stack resources or deployed template of a stack of the assembly. Got: Payments-Traffic.');
  });
});

describe('lock --dry-run --json on the example', () => {
  test('each stack denies replacing its clusters, the database and the cache; lifting a retired color says so', async () => {
    const result = await run('lock', assembly, '--dry-run', '--json');
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

    const retiring = JSON.parse((await run('lock', assembly, '--dry-run', '--json', '--retire', 'green')).out) as StackLock[];
    const green = retiring.find((l) => l.stackName === 'Payments-Green')!;
    expect(green.locked).toEqual([]);
    expect(green.lifted.map((l) => l.reason)).toContain('stack Payments-Green is being retired');
    expect(retiring.find((l) => l.stackName === 'Payments-Blue')!.lifted).toEqual([]);
  });
});
