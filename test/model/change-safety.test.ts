import { ChangeIntentVerdict, IChangeIntent, ProtectedChange } from '../../lib/model/change-intent';
import { ChangeSafety } from '../../lib/model/change-safety';
import { ChangeKind, FindingKind, IReplacementRules, ReplacementPath } from '../../lib/model/change-verdicts';
import { StackTemplate } from '../../lib/model/stack-template';
import { changedPaths, pathMatches } from '../../lib/model/template-diff';

/** A small table in place of the resource schemas: the model only sees this interface. */
const RULES: { [type: string]: ReplacementPath[] } = {
  'AWS::EKS::Cluster': [
    { path: 'Name', conditional: false },
    { path: 'ResourcesVpcConfig.SubnetIds', conditional: false },
    { path: 'EncryptionConfig.*.Provider.KeyArn', conditional: false },
  ],
  'AWS::EC2::SecurityGroup': [{ path: 'GroupDescription', conditional: false }, { path: 'VpcId', conditional: false }],
  'AWS::EC2::SecurityGroupIngress': [{ path: 'GroupId', conditional: false }],
  'AWS::RDS::DBInstance': [{ path: 'DBName', conditional: false }, { path: 'MultiAZ', conditional: true }],
  'AWS::KMS::Key': [],
  'AWS::EC2::Subnet': [{ path: 'CidrBlock', conditional: false }],
};
const rules: IReplacementRules = { replacementPaths: (type) => RULES[type] };

function stack(stackName: string, resources: { [id: string]: unknown }, outputs?: { [id: string]: unknown }): StackTemplate {
  return { stackName, template: { Resources: resources, ...(outputs ? { Outputs: outputs } : {}) } };
}

const cluster = (props: { [key: string]: unknown } = {}) => ({
  Type: 'AWS::EKS::Cluster',
  Properties: {
    Name: 'blue', Version: '1.33', DeletionProtection: true,
    ResourcesVpcConfig: { SubnetIds: ['subnet-1', 'subnet-2'], EndpointPrivateAccess: true },
    ...props,
  },
});

function verdict(report: ReturnType<typeof ChangeSafety.compare>, logicalId: string) {
  return report.resources.find((r) => r.logicalId === logicalId);
}

describe('template-diff', () => {
  test('changedPaths gives the leaves that differ, added subtrees leaf by leaf', () => {
    expect(changedPaths({ A: { B: [1, 2] }, C: 1 }, { A: { B: [1, 2, 3] }, C: 1 })).toEqual([['A', 'B', '2']]);
    expect(changedPaths({}, { A: { B: 'x', C: ['y'] } })).toEqual([['A', 'B'], ['A', 'C', '0']]);
    expect(changedPaths({ A: 1 }, { A: 1 })).toEqual([]);
  });

  test('pathMatches: prefix with wildcards, parent objects, and intrinsics in the way', () => {
    expect(pathMatches(['ResourcesVpcConfig', 'SubnetIds'], ['ResourcesVpcConfig', 'SubnetIds', '2'])).toBe(true);
    expect(pathMatches(['ResourcesVpcConfig', 'SubnetIds'], ['ResourcesVpcConfig', 'EndpointPublicAccess'])).toBe(false);
    expect(pathMatches(['EncryptionConfig', '*', 'Provider', 'KeyArn'], ['EncryptionConfig', '0', 'Provider', 'KeyArn', 'Fn::GetAtt', '0'])).toBe(true);
    expect(pathMatches(['ResourcesVpcConfig', 'SubnetIds'], ['ResourcesVpcConfig'])).toBe(true);
    expect(pathMatches(['ResourcesVpcConfig', 'SubnetIds'], ['ResourcesVpcConfig', 'Fn::If', '1'])).toBe(true);
  });
});

describe('ChangeSafety.compare', () => {
  test('a nested create-only property replaces the cluster; a sibling updates it in place', () => {
    const before = [stack('C', { Cluster: cluster() })];
    const subnets = ChangeSafety.compare(before, [stack('C', { Cluster: cluster({ ResourcesVpcConfig: { SubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'], EndpointPrivateAccess: true } }) })], rules);
    expect(verdict(subnets, 'Cluster')).toMatchObject({ change: ChangeKind.REPLACED, unsafe: true, category: 'EKS cluster' });
    expect(verdict(subnets, 'Cluster')!.reasons[0]).toContain('ResourcesVpcConfig.SubnetIds.2');
    expect(subnets.safe).toBe(false);
    // Replaced under the same literal name: EKS allows one cluster of a name, so the deploy fails besides.
    expect(subnets.findings).toEqual([expect.objectContaining({ kind: FindingKind.REPLACED, subject: 'C/Cluster' }),
      expect.objectContaining({ kind: FindingKind.UNIQUE_KEY_CLASH, subject: 'C/Cluster', message: expect.stringContaining('it is replaced with the same Name') })]);

    const endpoint = ChangeSafety.compare(before, [stack('C', { Cluster: cluster({ ResourcesVpcConfig: { SubnetIds: ['subnet-1', 'subnet-2'], EndpointPrivateAccess: false } }) })], rules);
    expect(verdict(endpoint, 'Cluster')).toMatchObject({ change: ChangeKind.UPDATED, unsafe: false, changedProperties: ['ResourcesVpcConfig.EndpointPrivateAccess'] });
    expect(endpoint.safe).toBe(true);
  });

  test('a replacement spreads through Ref and GetAtt to create-only properties, and to exports in use', () => {
    const group = (description: string) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: description, VpcId: 'vpc-1' } });
    const rule = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Group', 'GroupId'] }, IpProtocol: 'tcp' } };
    const exportGroup = { GroupId: { Value: { 'Fn::GetAtt': ['Group', 'GroupId'] }, Export: { Name: 'Data:GroupId' } } };
    const client = stack('Client', { Rule: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::ImportValue': 'Data:GroupId' } } } });
    const report = ChangeSafety.compare(
      [stack('Data', { Group: group('cdk-safe-eks database'), Rule: rule }, exportGroup), client],
      [stack('Data', { Group: group('cdk-safe-eks database, reworded'), Rule: rule }, exportGroup), client], rules);
    expect(verdict(report, 'Group')).toMatchObject({ stack: 'Data', change: ChangeKind.REPLACED, unsafe: true });
    expect(report.resources.find((r) => r.stack === 'Data' && r.logicalId === 'Rule')).toMatchObject({ change: ChangeKind.REPLACED, unsafe: false });
    expect(report.resources.find((r) => r.stack === 'Client')).toMatchObject({ change: ChangeKind.REPLACED });
    expect(report.findings.map((f) => [f.kind, f.subject])).toEqual([
      [FindingKind.REPLACED, 'Data/Group'],
      [FindingKind.EXPORT_IN_USE, 'Data export Data:GroupId'],
    ]);
    expect(report.findings[1].message).toContain('cannot be updated as it is in use by Client');
  });

  test('an export nobody imports may change', () => {
    const out = (v: string) => ({ O: { Value: v, Export: { Name: 'X' } } });
    const report = ChangeSafety.compare([stack('S', {}, out('a'))], [stack('S', {}, out('b'))], rules);
    expect(report.safe).toBe(true);
  });

  test('removal: unsafe unless retained; a protected cluster in a removed stack explains the two-step retirement', () => {
    const key = { Type: 'AWS::KMS::Key', Properties: {}, DeletionPolicy: 'Retain' };
    const report = ChangeSafety.compare([stack('C', { Cluster: cluster(), Key: key }), stack('N', {})], [stack('N', {})], rules);
    expect(report.stacksRemoved).toEqual(['C']);
    expect(verdict(report, 'Key')).toMatchObject({ change: ChangeKind.REMOVED, unsafe: false });
    expect(report.findings.map((f) => f.kind)).toEqual([FindingKind.REMOVED, FindingKind.PROTECTED_REMOVED]);
    expect(report.findings[1].message).toContain('stack C is removed while the cluster is deletion-protected');
    expect(report.findings[1].fix).toContain('first set deletionProtection: false and deploy');
  });

  test('retiredStacks: an unprotected cluster may leave with its stack; a protected one may not', () => {
    const off = [stack('C', { Cluster: cluster({ DeletionProtection: false }) })];
    expect(ChangeSafety.compare(off, [], rules, { retiredStacks: ['C'] }).safe).toBe(true);
    expect(ChangeSafety.compare(off, [], rules).safe).toBe(false);
    const on = ChangeSafety.compare([stack('C', { Cluster: cluster() })], [], rules, { retiredStacks: ['C'] });
    expect(on.findings.map((f) => f.kind)).toEqual([FindingKind.REMOVED, FindingKind.PROTECTED_REMOVED]);
  });

  test('turning deletion protection off is an update in place', () => {
    const report = ChangeSafety.compare([stack('C', { Cluster: cluster() })], [stack('C', { Cluster: cluster({ DeletionProtection: false }) })], rules);
    expect(verdict(report, 'Cluster')).toMatchObject({ change: ChangeKind.UPDATED, changedProperties: ['DeletionProtection'] });
    expect(report.safe).toBe(true);
  });

  test('conditional create-only properties: may-be-replaced, a warning but not unsafe', () => {
    const db = (multiAz: boolean) => ({ Type: 'AWS::RDS::DBInstance', Properties: { DBName: 'app', MultiAZ: multiAz } });
    const report = ChangeSafety.compare([stack('D', { Db: db(false) })], [stack('D', { Db: db(true) })], rules);
    expect(verdict(report, 'Db')).toMatchObject({ change: ChangeKind.MAY_BE_REPLACED, unsafe: false });
    expect(report.safe).toBe(true);
    expect(report.warnings.join('\n')).toContain('D/Db (database) may be replaced');
  });

  test('a type change replaces; types the schemas do not know are updates with a warning', () => {
    const report = ChangeSafety.compare(
      [stack('S', { Key: { Type: 'AWS::KMS::Key' }, Thing: { Type: 'AWS::Example::Thing', Properties: { A: 1 } } })],
      [stack('S', { Key: { Type: 'AWS::KMS::ReplicaKey' }, Thing: { Type: 'AWS::Example::Thing', Properties: { A: 2 } } })], rules);
    expect(verdict(report, 'Key')).toMatchObject({ change: ChangeKind.REPLACED, type: 'AWS::KMS::ReplicaKey' });
    expect(verdict(report, 'Thing')).toMatchObject({ change: ChangeKind.UPDATED });
    expect(report.warnings).toContain('AWS::Example::Thing is not in the resource schemas: its changes are reported as updates in place');
  });

  test('every resource of either side has a verdict, unchanged ones included', () => {
    const report = ChangeSafety.compare([stack('S', { A: { Type: 'AWS::KMS::Key' } })], [stack('S', { A: { Type: 'AWS::KMS::Key' }, B: { Type: 'AWS::KMS::Key' } })], rules);
    expect(report.resources.map((r) => [r.logicalId, r.change])).toEqual([['A', ChangeKind.UNCHANGED], ['B', ChangeKind.ADDED]]);
  });
});

describe('intents: what constructs recorded, judged through the hook', () => {
  const marked = { ...cluster(), Metadata: { 'test:mark': 'retire-me' } };
  const before = [stack('C', { Cluster: { ...marked, Properties: { ...marked.Properties, DeletionProtection: false } }, Key: { Type: 'AWS::KMS::Key' } }),
    { stackName: 'T', template: { Resources: {}, Metadata: { 'test:plan': 'go' } } }];
  /** Judges only resources it marked, and only when the plan its template recorded says so; records what it was shown. */
  class Recording implements IChangeIntent {
    public readonly seen: ProtectedChange[] = [];
    constructor(private readonly verdict: ChangeIntentVerdict) {}
    public judge(change: ProtectedChange): ChangeIntentVerdict | undefined {
      this.seen.push(change);
      const plan = (change.templateMetadataBefore.T as { [key: string]: unknown } | undefined)?.['test:plan'];
      return (change.before.Metadata as { [key: string]: unknown } | undefined)?.['test:mark'] !== undefined && plan === 'go' ? this.verdict : undefined;
    }
  }

  test('without an intent the engine judges by its rules alone: the removal is unsafe', () => {
    expect(ChangeSafety.compare(before, [stack('C', {})], rules).findings.map((f) => [f.kind, f.subject])).toEqual([
      [FindingKind.REMOVED, 'C/Cluster'], [FindingKind.REMOVED, 'C/Key'],
    ]);
  });

  test('an intended removal that retires its stack lets the stack\'s other resources go, with the note', () => {
    const intent = new Recording({ intended: true, retiresStack: true, note: 'C is retired on purpose' });
    const report = ChangeSafety.compare(before, [stack('C', {})], rules, { intents: [intent] });
    expect(report.findings).toEqual([]);
    expect(report.warnings).toContain('C is retired on purpose');
    // Only protected resources are shown, with what the templates recorded.
    expect(intent.seen.map((c) => [c.logicalId, c.change, c.deletionProtected])).toEqual([['Cluster', ChangeKind.REMOVED, false], ['Key', ChangeKind.REMOVED, false]]);
    expect(intent.seen[0].templateMetadataBefore).toEqual({ T: { 'test:plan': 'go' } });
    expect(intent.seen[0].after).toBeUndefined();
  });

  test('an intended removal without retiresStack spares only itself; a verdict of not intended only adds its note', () => {
    const own = ChangeSafety.compare(before, [stack('C', {})], rules, { intents: [new Recording({ intended: true, note: 'only the cluster' })] });
    expect(own.findings.map((f) => f.subject)).toEqual(['C/Key']);
    const refused = ChangeSafety.compare(before, [stack('C', {})], rules, { intents: [new Recording({ intended: false, note: 'turn protection off first' })] });
    expect(refused.findings.map((f) => f.subject)).toEqual(['C/Cluster', 'C/Key']);
    expect(refused.warnings).toContain('turn protection off first');
  });

  test('a replacement is shown before and after; the first intent with a verdict decides', () => {
    const after = [stack('C', { Cluster: { ...marked, Properties: { ...marked.Properties, Name: 'green' } }, Key: { Type: 'AWS::KMS::Key' } }), before[1]];
    const silent = new Recording({ intended: false, note: 'never asked' });
    const first = new Recording({ intended: true, note: 'replaced by design' });
    const report = ChangeSafety.compare(before, after, rules, { intents: [first, silent] });
    expect(report.safe).toBe(true);
    expect(verdict(report, 'Cluster')).toMatchObject({ change: ChangeKind.REPLACED, unsafe: false });
    expect(first.seen.map((c) => [c.change, (c.after?.Properties as { Name?: string }).Name])).toEqual([[ChangeKind.REPLACED, 'green']]);
    expect(silent.seen).toEqual([]);
    expect(report.warnings).not.toContain('never asked');
  });
});
