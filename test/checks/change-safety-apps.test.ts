import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CloudFormationSchema } from '../../lib/checks/cloudformation-schema';
import { ChangeSafety, ChangeSafetyOptions } from '../../lib/model/change-safety';
import { ChangeKind, ChangeReport, FindingKind } from '../../lib/model/change-verdicts';
import { loadTemplates } from '../../lib/model/template-directory';
import { ChangeAppOptions, synthChangeApp } from '../fixtures/change-app';

// One schema and one synthesis per variant, shared by every test of the file (2 cores, many suites).
const schema = new CloudFormationSchema();
const assemblies = new Map<string, string>();
function assembly(options: ChangeAppOptions = {}): string {
  const key = JSON.stringify(options, (_k, v) => (v instanceof eks.KubernetesVersion ? v.version : v));
  if (!assemblies.has(key)) assemblies.set(key, synthChangeApp(options));
  return assemblies.get(key)!;
}
function diff(before: ChangeAppOptions, after: ChangeAppOptions, options?: ChangeSafetyOptions): ChangeReport {
  return ChangeSafety.compare(loadTemplates(assembly(before)).templates, loadTemplates(assembly(after)).templates, schema, options);
}
const changes = (report: ChangeReport) => report.resources.filter((r) => r.change !== ChangeKind.UNCHANGED);
const findings = (report: ChangeReport) => report.findings.map((f) => [f.kind, f.subject.replace(/[0-9A-F]{8}\b/g, '')]);

describe('CloudFormationSchema', () => {
  test('reads nested create-only properties (the gap of cdk diff, which judges top-level properties only)', () => {
    const paths = schema.replacementPaths('AWS::EKS::Cluster')!.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['Name', 'RoleArn', 'ResourcesVpcConfig.SubnetIds', 'ResourcesVpcConfig.SecurityGroupIds',
      'AccessConfig.BootstrapClusterCreatorAdminPermissions', 'BootstrapSelfManagedAddons', 'EncryptionConfig']));
    expect(paths).not.toContain('Version');
    expect(schema.replacementPaths('AWS::EC2::SecurityGroup')!.map((p) => p.path)).toContain('GroupDescription');
    expect(schema.replacementPaths('AWS::Not::AType')).toBeUndefined();
  });
});

describe('change safety of an app, synthesized before and after each change', () => {
  test('Kubernetes version bump: the cluster and the add-ons of its minor are updated in place, safe', () => {
    const report = diff({}, { version: eks.KubernetesVersion.V1_34 });
    expect(changes(report).map((r) => [r.type, r.change, r.changedProperties])).toEqual([
      ['AWS::EKS::Addon', ChangeKind.UPDATED, ['AddonVersion']],
      ['AWS::EKS::Addon', ChangeKind.UPDATED, ['AddonVersion']],
      ['AWS::EKS::Cluster', ChangeKind.UPDATED, ['Version']],
    ]);
    expect(report.safe).toBe(true);
  });

  test('node-group size change: the node group is updated in place, safe', () => {
    const report = diff({}, { desiredSize: 4 });
    expect(changes(report).map((r) => [r.type, r.change, r.changedProperties])).toEqual([
      ['AWS::EKS::Nodegroup', ChangeKind.UPDATED, ['ScalingConfig.DesiredSize']],
    ]);
    expect(report.safe).toBe(true);
  });

  test('databaseName change: the Aurora cluster is replaced, unsafe', () => {
    const report = diff({}, { databaseName: 'ledger' });
    const db = report.resources.find((r) => r.type === 'AWS::RDS::DBCluster')!;
    expect(db).toMatchObject({ change: ChangeKind.REPLACED, unsafe: true, category: 'database' });
    expect(db.reasons.join()).toContain('DatabaseName');
    expect(report.findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: FindingKind.REPLACED, subject: `Data/${db.logicalId}`, message: expect.stringContaining('a new, empty database') }),
    ]));
    expect(report.safe).toBe(false);
  });

  test('cluster name change: the cluster is replaced, unsafe', () => {
    const report = diff({}, { clusterName: 'payments-green' });
    const cluster = report.resources.find((r) => r.type === 'AWS::EKS::Cluster')!;
    expect(cluster).toMatchObject({ change: ChangeKind.REPLACED, unsafe: true });
    expect(cluster.reasons).toEqual(expect.arrayContaining([expect.stringContaining('Name (create-only: Name) changes')]));
    expect(report.safe).toBe(false);
  });

  test('a third availability zone: the cluster subnets change, so the cluster is replaced, unsafe', () => {
    const report = diff({}, { thirdZone: true });
    const cluster = report.resources.find((r) => r.type === 'AWS::EKS::Cluster')!;
    expect(cluster).toMatchObject({ change: ChangeKind.REPLACED, unsafe: true });
    expect(cluster.reasons.join()).toContain('create-only: ResourcesVpcConfig.SubnetIds');
    expect(report.safe).toBe(false);
  });

  test('the cluster stack removed under deletion protection: unsafe, and the two-step retirement is explained', () => {
    const report = diff({}, { withoutCluster: true });
    expect(report.stacksRemoved).toEqual(['Cluster']);
    const protectedRemoved = report.findings.find((f) => f.kind === FindingKind.PROTECTED_REMOVED)!;
    expect(protectedRemoved.subject).toMatch(/^Cluster\/PaymentsCluster/);
    expect(protectedRemoved.message).toContain('stack Cluster is removed while the cluster is deletion-protected');
    expect(protectedRemoved.fix).toContain('first set deletionProtection: false and deploy');
    expect(report.safe).toBe(false);
  });

  test('retiring the cluster in two steps: protection off (safe), then the stack removed with --retire (safe)', () => {
    const stepOne = diff({}, { clusterDeletionProtection: false });
    // The node group stops being retained in the same deploy, so step 2 deletes it with the cluster.
    expect(changes(stepOne).map((r) => [r.type, r.change, r.changedProperties, r.changedAttributes]).sort()).toEqual([
      ...Array(4).fill(['AWS::EKS::Addon', ChangeKind.UPDATED, [], ['DeletionPolicy']]),
      ['AWS::EKS::Cluster', ChangeKind.UPDATED, ['DeletionProtection'], []],
      ['AWS::EKS::Nodegroup', ChangeKind.UPDATED, [], ['DeletionPolicy']],
    ]);
    expect(stepOne.safe).toBe(true);
    const stepTwo = diff({ clusterDeletionProtection: false }, { withoutCluster: true }, { retiredStacks: ['Cluster'] });
    expect(stepTwo.findings).toEqual([]);
    expect(stepTwo.resources.filter((r) => r.type === 'AWS::EKS::Cluster')).toEqual([expect.objectContaining({ change: ChangeKind.REMOVED, unsafe: false })]);
    // Without --retire the same removal is unsafe: the cluster, its groups, and the exports it still imports.
    expect(findings(diff({ clusterDeletionProtection: false }, { withoutCluster: true }))).toEqual(expect.arrayContaining([
      [FindingKind.REMOVED, 'Cluster/PaymentsCluster'],
      [FindingKind.EXPORT_IN_USE, expect.stringMatching(/^Network export /)],
    ]));
  });

  test("a store group's description change: the group is replaced and its export in use changes, unsafe", () => {
    const report = diff({}, { storeGroupDescription: 'cdk-safe-eks database, reworded' });
    expect(findings(report)).toEqual([
      [FindingKind.REPLACED, 'Data/DatabaseSecurityGroup'],
      [FindingKind.EXPORT_IN_USE, expect.stringMatching(/^Data export Data:/)],
    ]);
    expect(report.findings[1].message).toContain('cannot be updated as it is in use by Cluster');
  });

  test('a required rule removed: nothing is replaced, the flow is lost, unsafe', () => {
    const report = diff({}, { removeRule: 'PaymentsControlPlaneSecurityGroupfromClusterPaymentsNodeSecurityGroup8B76ECC6443' });
    expect(changes(report).map((r) => [r.type, r.change])).toEqual([['AWS::EC2::SecurityGroupIngress', ChangeKind.REMOVED]]);
    expect(report.findings).toEqual([expect.objectContaining({
      kind: FindingKind.FLOW_LOST,
      subject: expect.stringMatching(/^Cluster\/PaymentsCluster\w+ NodesToControlPlaneHttps /),
      message: expect.stringContaining('the flow holds before and not after the change'),
    })]);
  });

  test('a new master user name: the secret generates new credentials the database never gets, unsafe (CloudFormation alone would update the secret)', () => {
    const report = diff({}, { masterUsername: 'payments_admin' });
    const db = report.resources.find((r) => r.type === 'AWS::RDS::DBCluster')!;
    expect(db.change).toBe(ChangeKind.UNCHANGED);
    expect(report.findings).toEqual([expect.objectContaining({
      kind: FindingKind.SECRET_REGENERATED,
      subject: expect.stringMatching(/^Data\/DatabaseMasterSecret/),
      message: expect.stringContaining(`Data/${db.logicalId} (database) reads it through a dynamic reference whose text does not change (MasterUserPassword`),
      fix: expect.stringContaining('rotate the secret through Secrets Manager'),
    })]);
  });

  test("a change to how the cache's auth token is generated strands the cache, unsafe", () => {
    const report = diff({}, { cacheTokenLength: 100 });
    expect(report.findings).toEqual([expect.objectContaining({
      kind: FindingKind.SECRET_REGENERATED,
      message: expect.stringMatching(/GenerateSecretString.PasswordLength changes.*\(cache\) reads it .*\(AuthToken\)/),
    })]);
  });

  test('a second admin role re-keys the first one\'s access entry (0.1 keys): EKS refuses the create-before-delete, unsafe', () => {
    const one = ['arn:aws:iam::111111111111:role/platform-admin'];
    const report = diff({ adminRoleArns: one }, { adminRoleArns: [...one, 'arn:aws:iam::111111111111:role/break-glass'] });
    const entries = changes(report).filter((r) => r.type === 'AWS::EKS::AccessEntry');
    expect(entries.map((r) => [r.logicalId.replace(/[0-9A-F]{8}$/, ''), r.change])).toEqual(expect.arrayContaining([['PaymentsClusterAdmin0', ChangeKind.REMOVED]]));
    expect(report.findings).toEqual([expect.objectContaining({
      kind: FindingKind.UNIQUE_KEY_CLASH,
      message: expect.stringMatching(/^the AWS::EKS::AccessEntry is created while .*ClusterName, PrincipalArn of Cluster\/PaymentsClusterAdmin0[0-9A-F]*, which the deploy removes.*EKS allows one access entry per principal/),
      fix: expect.stringContaining('cdk refactor'),
    })]);
  });

  test('with adminAccessEntryByPrincipal, adding, removing and reordering admin roles moves no entry: safe', () => {
    const [a, b] = ['arn:aws:iam::111111111111:role/platform-admin', 'arn:aws:iam::111111111111:role/break-glass'];
    const flag = { adminEntriesByPrincipal: true };
    for (const [before, after] of [[[a], [a, b]], [[a, b], [b, a]], [[a, b], [b]]]) {
      const report = diff({ ...flag, adminRoleArns: before }, { ...flag, adminRoleArns: after });
      expect(changes(report).filter((r) => r.type === 'AWS::EKS::AccessEntry').map((r) => r.change).sort())
        .toEqual(before.length === after.length ? [] : [after.length > before.length ? ChangeKind.ADDED : ChangeKind.REMOVED]);
      expect(report.findings).toEqual([]);
    }
  });
});

