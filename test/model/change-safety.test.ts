import { ChangeKind, ChangeSafety, FindingKind, IReplacementRules, PAIR_COLOR_METADATA_KEY, PAIR_WEIGHTS_METADATA_KEY, ReplacementPath } from '../../lib/model/change-safety';
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
    expect(subnets.findings).toEqual([expect.objectContaining({ kind: FindingKind.REPLACED, subject: 'C/Cluster' })]);

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

describe('blue-green pairs: the idle color is replaced by design', () => {
  const marked = (props: { [key: string]: unknown }) => ({
    ...cluster(props), Metadata: { [PAIR_COLOR_METADATA_KEY]: { pair: 'P', color: 'Green' } },
  });
  const traffic = (green: number) => ({
    stackName: 'P-Traffic', template: { Resources: {}, Metadata: { [PAIR_WEIGHTS_METADATA_KEY]: { pair: 'P', weights: { Blue: 100 - green, Green: green } } } },
  });
  const compare = (green: number, protectedBefore: boolean) => ChangeSafety.compare(
    [stack('P-Green', { Cluster: marked({ Name: 'p-green-1-33', DeletionProtection: protectedBefore }) }), traffic(green)],
    [stack('P-Green', { Cluster: marked({ Name: 'p-green-1-34', DeletionProtection: false }) }), traffic(green)], rules);

  test('weight 0 and no deletion protection: the replacement is safe, with a note', () => {
    const report = compare(0, false);
    expect(report.safe).toBe(true);
    expect(verdict(report, 'Cluster')).toMatchObject({ change: ChangeKind.REPLACED, unsafe: false });
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringContaining('the idle Green cluster of pair P (weight 0, not protected) is replaced')]));
  });

  test('weight 0 but still protected: unsafe, and the note says to turn protection off first', () => {
    const report = compare(0, true);
    expect(report.safe).toBe(false);
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringContaining('still deletion-protected')]));
  });

  test('weight 0 and no deletion protection: retiring the color (its cluster and groups leave its stack) is safe, with a note', () => {
    const before = (green: number, isProtected: boolean) => [stack('P-Green', {
      Cluster: marked({ Name: 'p-green-1-33', DeletionProtection: isProtected }), Nodes: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'nodes' } },
    }), traffic(green)];
    const retire = (green: number, isProtected: boolean) => ChangeSafety.compare(before(green, isProtected), [stack('P-Green', {}), traffic(green)], rules);
    const report = retire(0, false);
    expect(report.findings).toEqual([]);
    expect(report.resources.map((r) => [r.logicalId, r.change, r.unsafe])).toEqual([['Cluster', ChangeKind.REMOVED, false], ['Nodes', ChangeKind.REMOVED, false]]);
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringContaining('the idle Green cluster of pair P (weight 0, not protected) is removed: the color is retired')]));
    expect(retire(0, true).findings.map((f) => f.kind)).toEqual(expect.arrayContaining([FindingKind.PROTECTED_REMOVED, FindingKind.REMOVED]));
    expect(retire(10, false).findings.map((f) => f.kind)).toEqual([FindingKind.REMOVED, FindingKind.REMOVED]);
  });

  test('a color with weight is never replaced safely', () => {
    const report = compare(10, false);
    expect(report.safe).toBe(false);
    expect(report.findings.map((f) => f.kind)).toContain(FindingKind.REPLACED);
  });
});
