import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NestedStack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DependentCache, DependentDatabase, SafeCluster } from '../../../lib';
import { ExitCode } from '../../../lib/cli/program';
import { testApp, testStack, testVpc } from '../../../test/helpers';
import { SecurityGroupRule, StackResource, writeSnapshot } from '../src/snapshot';
import { deployedAccount } from './support/deployed-account';
import { runLive } from './support/run';

/** Offline, end to end: stores in a NestedStack of the Data stack, reached by a cluster of another stack. */
let assembly: string;
let dir: string;

beforeAll(() => {
  const app = testApp();
  const vpc = testVpc(testStack(app, 'Network'));
  const stores = new NestedStack(testStack(app, 'Data'), 'Stores');
  const database = new DependentDatabase(stores, 'Database', { vpc });
  const cache = new DependentCache(stores, 'Cache', { vpc });
  const cluster = new SafeCluster(testStack(app, 'Cluster'), 'Payments', { version: eks.KubernetesVersion.V1_34, clusterName: 'payments-blue', vpc, defaultCapacity: 0 });
  database.allowFrom(cluster);
  cache.allowFrom(cluster);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-live-nested-'));
  assembly = app.synth().directory;
  dir = path.join(tmp, 'snapshot');
  writeSnapshot(dir, deployedAccount(assembly));
}, 120_000);


const nestedStack = () => fs.readdirSync(path.join(dir, 'stack-resources')).map((f) => f.slice(0, -'.json'.length)).find((s) => s.startsWith('Data-'))!;
const resources = (stack: string) => JSON.parse(fs.readFileSync(path.join(dir, 'stack-resources', `${stack}.json`), 'utf8')).StackResources as StackResource[];

function editedRules(name: string, edit: (rules: SecurityGroupRule[]) => SecurityGroupRule[]): string {
  const copy = `${dir}-${name}`;
  fs.cpSync(dir, copy, { recursive: true });
  const file = path.join(copy, 'security-group-rules.json');
  fs.writeFileSync(file, JSON.stringify({ SecurityGroupRules: edit(JSON.parse(fs.readFileSync(file, 'utf8')).SecurityGroupRules) }));
  return copy;
}

describe('verify --live with stores in a nested stack', () => {
  test('the nested stack is read under its own name; its groups\' live rules prove the nodes-to-store flows: exit 0', async () => {
    expect(resources('Data').find((r) => r.ResourceType === 'AWS::CloudFormation::Stack')?.PhysicalResourceId).toContain(`:stack/${nestedStack()}/`);
    const result = await runLive('verify', assembly, '--live', dir, '--json');
    expect(result.err).toBe('');
    expect(result.code).toBe(ExitCode.OK);
    const { report, drift } = JSON.parse(result.out);
    expect(drift).toEqual([]);
    const storeFlows = report.flows.filter((f: { flowId: string }) => f.flowId === 'NodesToDatabase' || f.flowId === 'NodesToCache');
    expect(storeFlows.map((f: { flowId: string; allowedBefore: boolean }) => [f.flowId, f.allowedBefore])).toEqual([['NodesToDatabase', true], ['NodesToCache', true]]);
  });

  test('the database\'s ingress rule gone from the account: exit 1 naming NodesToDatabase', async () => {
    const group = resources(nestedStack()).find((r) => r.ResourceType === 'AWS::EC2::SecurityGroup' && r.LogicalResourceId.startsWith('DatabaseSecurityGroup'))!.PhysicalResourceId;
    const broken = editedRules('no-db', (rules) => rules.filter((r) => !(r.GroupId === group && !r.IsEgress)));
    const result = await runLive('verify', assembly, '--live', broken, '--json');
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    const { report, drift } = JSON.parse(result.out);
    expect(report.flows.filter((f: { allowedBefore: boolean }) => !f.allowedBefore).map((f: { flowId: string }) => f.flowId)).toEqual(['NodesToDatabase']);
    expect(drift).toEqual([expect.objectContaining({ kind: 'missing', detail: expect.stringMatching(/^ingress tcp 5432-5432 sg-/) })]);
  });

  test('a rule added by hand to the nested cache group is drift named by the nested stack', async () => {
    const group = resources(nestedStack()).find((r) => r.ResourceType === 'AWS::EC2::SecurityGroup' && r.LogicalResourceId.startsWith('CacheSecurityGroup'))!;
    const added = editedRules('added', (rules) => [...rules, { SecurityGroupRuleId: 'sgr-0byhand', GroupId: group.PhysicalResourceId!, IsEgress: false, IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, CidrIpv4: '10.0.0.0/8' }]);
    const result = await runLive('verify', assembly, '--live', added, '--json');
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(JSON.parse(result.out).drift).toEqual([{ kind: 'added', group: `${nestedStack()}/${group.LogicalResourceId}`, rule: 'sgr-0byhand', detail: 'ingress tcp 6379-6379 10.0.0.0/8 (not in any template)' }]);
  });
});
