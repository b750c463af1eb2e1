import { CfnElement, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fc from 'fast-check';
import { DatabaseKind, DependentDatabase, DependentDatabaseProps } from '../../lib';
import { testStack, testVpc } from '../helpers';
import { reservedPostgresDatabaseNameProblem } from '../../lib/model/aws-naming-rules';

function build(props: Partial<DependentDatabaseProps> = {}): { stack: Stack; database: DependentDatabase; template: Template } {
  const stack = testStack();
  const vpc = testVpc(stack);
  const database = new DependentDatabase(stack, 'Database', { vpc, ...props });
  return { stack, database, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, element: unknown): string {
  return stack.getLogicalId(element as CfnElement);
}

function construct(props: Partial<DependentDatabaseProps>): () => DependentDatabase {
  return () => {
    const stack = testStack();
    return new DependentDatabase(stack, 'Database', { vpc: testVpc(stack), ...props });
  };
}

describe('Aurora PostgreSQL (default)', () => {
  let stack: Stack;
  let database: DependentDatabase;
  let template: Template;
  beforeAll(() => ({ stack, database, template } = build()));

  test('storage is encrypted with a retained, rotating KMS key and IAM auth, deletion protection and backups are on', () => {
    const keyId = logicalId(stack, database.storageEncryptionKey.node.defaultChild);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
      Port: 5432,
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      EnableCloudwatchLogsExports: ['postgresql'],
      PerformanceInsightsEnabled: true,
      PerformanceInsightsKmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(stack, database.securityGroup.node.defaultChild), 'GroupId'] }],
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
    });
  });

  test('removing the cluster takes a final snapshot', () => {
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  test('TLS is required by the cluster parameter group', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql17',
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  test('a writer and one reader, both private, of the default instance class', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.allResourcesProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r7g.large', PubliclyAccessible: false });
  });

  test('the instances sit in the isolated subnets only', () => {
    const isolated = stack.resolve(testVpcSubnetIds(stack, ec2.SubnetType.PRIVATE_ISOLATED));
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated });
  });

  test('credentials live in a KMS-encrypted secret that outlives the cluster, for restoring snapshots', () => {
    const keyId = logicalId(stack, database.storageEncryptionKey.node.defaultChild);
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"dbadmin"}' }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  test('the security group admits nothing until a cluster is allowed and opens no connections', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'cdk-safe-eks database',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('the security group ID is exported under the fixed name client stacks import', () => {
    template.hasOutput('*', {
      Value: { 'Fn::GetAtt': [logicalId(stack, database.securityGroup.node.defaultChild), 'GroupId'] },
      Export: { Name: database.securityGroupExportName },
    });
  });

  test('stateful logical IDs are locked: renaming them would replace the database', () => {
    expect(logicalId(stack, database.handle.resource.node.defaultChild)).toBe('DatabaseCluster5B53A178');
    expect(logicalId(stack, database.storageEncryptionKey.node.defaultChild)).toBe('DatabaseStorageKey6003D257');
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toEqual(['DatabaseMasterSecretC5C2A01F']);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup'))).toEqual(['DatabaseSecurityGroup5C91FDCB']);
  });
});

describe('single PostgreSQL instance', () => {
  test('Multi-AZ, encrypted, IAM auth, TLS, Performance Insights, logs, deletion protection and a final snapshot', () => {
    // GIVEN
    const { stack, database, template } = build({ kind: DatabaseKind.POSTGRESQL_INSTANCE, allocatedStorageGiB: 200 });
    const keyArn = { 'Fn::GetAtt': [logicalId(stack, database.storageEncryptionKey.node.defaultChild), 'Arn'] };

    // THEN
    expect(database.handle.kind).toBe(DatabaseKind.POSTGRESQL_INSTANCE);
    expect(database.handle.resource).toBeInstanceOf(rds.DatabaseInstance);
    template.resourceCountIs('AWS::RDS::DBCluster', 0);
    template.hasResource('AWS::RDS::DBInstance', {
      Properties: Match.objectLike({
        Engine: 'postgres',
        EngineVersion: '17',
        MultiAZ: true,
        PubliclyAccessible: false,
        AllocatedStorage: '200',
        StorageType: 'gp3',
        StorageEncrypted: true,
        KmsKeyId: keyArn,
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 14,
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: keyArn,
        EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
        Port: '5432',
      }),
      DeletionPolicy: 'Snapshot',
    });
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres17', Parameters: { 'rds.force_ssl': '1' } });
  });
});

describe('options', () => {
  test('a given key, port, database name, backup retention and removal policy are used as given', () => {
    // GIVEN
    const stack = testStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });

    // WHEN
    const database = new DependentDatabase(stack, 'Database', {
      vpc: testVpc(stack), storageEncryptionKey: key, port: 5433, databaseName: 'payments', readers: 2,
      backupRetention: Duration.days(35), removalPolicy: RemovalPolicy.RETAIN,
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        Port: 5433, DatabaseName: 'payments', BackupRetentionPeriod: 35,
        KmsKeyId: { 'Fn::GetAtt': [logicalId(stack, key.node.defaultChild), 'Arn'] },
      }),
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::RDS::DBInstance', 3);
    expect(database.port).toBe(5433);
  });

  test.each([DatabaseKind.AURORA_POSTGRESQL, DatabaseKind.POSTGRESQL_INSTANCE])('grantConnect gives rds-db:connect for one user (%s)', (kind) => {
    // GIVEN
    const stack = testStack();
    const database = new DependentDatabase(stack, 'Database', { vpc: testVpc(stack), kind });
    const role = new iam.Role(stack, 'PodRole', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });

    // WHEN
    database.grantConnect(role, 'payments_app');

    // THEN
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([expect.objectContaining({ Action: 'rds-db:connect', Effect: 'Allow' })]);
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:dbuser:.*\/payments_app/);
  });

  test('rotation adds one rule, from the rotation function\'s own group, on the store port', () => {
    // GIVEN
    const stack = testStack();
    const database = new DependentDatabase(stack, 'Database', { vpc: testVpc(stack) });

    // WHEN
    database.addRotationSingleUser({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties).toEqual(expect.objectContaining({
      GroupId: { 'Fn::GetAtt': [logicalId(stack, database.securityGroup.node.defaultChild), 'GroupId'] },
      // The L2 writes the cluster's endpoint port attribute, which is the store port.
      FromPort: { 'Fn::GetAtt': [logicalId(stack, database.handle.resource.node.defaultChild), 'Endpoint.Port'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/RotationSingleUserSecurityGroup/), 'GroupId'] },
    }));
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([
    [DatabaseKind.AURORA_POSTGRESQL, 5432], [DatabaseKind.AURORA_POSTGRESQL, 5433],
    [DatabaseKind.POSTGRESQL_INSTANCE, 5432], [DatabaseKind.POSTGRESQL_INSTANCE, 5433],
  ])('finds nothing on RDS, EC2 or the rotated secret for %s on port %d', (kind, port) => {
    // GIVEN
    const stack = testStack();
    const database = new DependentDatabase(stack, 'Database', { vpc: testVpc(stack), kind, port });
    database.addRotationSingleUser({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });

    // THEN
    const report = new AwsSolutionsChecks(stack).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName).filter((r) => /^AwsSolutions-(RDS|EC2|SMG)/.test(r))).toEqual([]);
  });
});

describe('bad input', () => {
  test.each([
    ['port 0', { port: 0 }, /`port` must be a whole number from 1 to 65535/],
    ['port 65536', { port: 65536 }, /`port` must be a whole number/],
    ['a token port', { port: Token.asNumber({ Ref: 'Port' }) }, /`port` must be a literal number, not a token/],
    ['a database name starting with a digit', { databaseName: '1payments' }, /`databaseName` must be 1 to 63/],
    ['a reserved word as database name', { databaseName: 'select' }, /`databaseName` is a PostgreSQL reserved key word/],
    ['an RDS database as database name', { databaseName: 'rdsadmin' }, /`databaseName` names a database RDS PostgreSQL already has/],
    ['master user admin (Aurora PostgreSQL and RDS for PostgreSQL refuse it at deploy)', { masterUsername: 'admin' }, /Test\/Database: `masterUsername` is reserved by RDS or PostgreSQL\. Got: "admin"\./],
    ['master user rdsadmin', { masterUsername: 'rdsadmin' }, /reserved/],
    ['master user pg_admin', { masterUsername: 'pg_admin' }, /reserved/],
    ['a 17-character master user', { masterUsername: 'payments_admin_01' }, /`masterUsername` must be 1 to 16 letters, digits or underscores/],
    ['16 readers', { readers: 16 }, /`readers` must be a whole number from 0 to 15/],
    ['36 days of backups', { backupRetention: Duration.days(36) }, /backupRetention \(days\)/],
    ['36 hours of backups', { backupRetention: Duration.hours(36) }, /backupRetention \(days\)/],
    ['10 GiB of storage', { kind: DatabaseKind.POSTGRESQL_INSTANCE, allocatedStorageGiB: 10 }, /`allocatedStorageGiB` must be a whole number from 20/],
    ['readers on an instance', { kind: DatabaseKind.POSTGRESQL_INSTANCE, readers: 2 }, /`readers` does not apply to kind postgresql-instance/],
    ['an Aurora version on an instance', { kind: DatabaseKind.POSTGRESQL_INSTANCE, auroraEngineVersion: rds.AuroraPostgresEngineVersion.VER_17_5 }, /`auroraEngineVersion` does not apply/],
    ['a PostgreSQL version on Aurora', { postgresEngineVersion: rds.PostgresEngineVersion.VER_17_5 }, /`postgresEngineVersion` does not apply to kind aurora-postgresql/],
    ['allocated storage on Aurora', { allocatedStorageGiB: 100 }, /`allocatedStorageGiB` does not apply/],
  ] as Array<[string, Partial<DependentDatabaseProps>, RegExp]>)('%s is refused', (_label, props, message) => {
    expect(construct(props)).toThrow(message);
  });

  test('errors name the construct path and the fix', () => {
    expect(construct({ port: 70000 })).toThrow(/^Test\/Database: .* Got: 70000\. Fix: /);
  });

  test('a VPC without isolated subnets needs vpcSubnets, said in the store\'s words, not aws-cdk-lib\'s', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'TwoTier', { maxAzs: 2, natGateways: 1 });
    expect(() => new DependentDatabase(stack, 'Database', { vpc })).toThrow(
      'Test/Database: `vpc` has no isolated subnets, where a store goes by default (it needs no route to anywhere), and `vpcSubnets` is not set. '
      + 'Got: Test/TwoTier with 2 private with egress and 2 public subnets. Fix: pass `vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }`');
    const database = new DependentDatabase(stack, 'Private', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    expect(database.connections.securityGroups).toHaveLength(1);
  });

  test('every port from 1 to 65535 is accepted and every other whole number refused (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
      expect(construct({ port })().port).toBe(port);
    }), { numRuns: 15 });
    fc.assert(fc.property(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 })), (port) => {
      expect(construct({ port })).toThrow(/PortOutOfRange|must be a whole number/);
    }), { numRuns: 30 });
  });

  test('database names follow PostgreSQL identifier rules (property)', () => {
    const valid = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
    // Reserved words are valid identifiers that RDS still refuses: they have a case of their own.
    fc.assert(fc.property(fc.stringMatching(valid).filter((n) => reservedPostgresDatabaseNameProblem(n) === undefined), (databaseName) => {
      expect(construct({ databaseName })).not.toThrow();
    }), { numRuns: 15 });
    fc.assert(fc.property(fc.string({ maxLength: 80 }).filter((s) => !valid.test(s)), (databaseName) => {
      expect(construct({ databaseName })).toThrow(/`databaseName` must be/);
    }), { numRuns: 30 });
  });
});

function testVpcSubnetIds(stack: Stack, subnetType: ec2.SubnetType): string[] {
  const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
  return vpc.selectSubnets({ subnetType }).subnetIds;
}

describe('monitoring, backup plan and key policy', () => {
  test.each([DatabaseKind.AURORA_POSTGRESQL, DatabaseKind.POSTGRESQL_INSTANCE])('%s: enhanced monitoring every 60 s with its own role', (kind) => {
    const { template } = build({ kind });
    template.allResourcesProperties('AWS::RDS::DBInstance', {
      MonitoringInterval: 60, MonitoringRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DatabaseMonitoringRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] },
    });
  });

  test('Aurora: the cluster is selected in a new daily plan whose vault uses the storage key and is retained', () => {
    const { stack, database, template } = build();
    const keyId = logicalId(stack, database.storageEncryptionKey.node.defaultChild);
    const clusterId = logicalId(stack, database.handle.resource.node.defaultChild);
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EncryptionKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } }) });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    const selection = JSON.stringify(template.findResources('AWS::Backup::BackupSelection'));
    expect(selection).toContain(`"Ref":"${clusterId}"`);
  });

  test('instance: the instance is selected; a plan passed in is used instead of a new one', () => {
    const stack = testStack();
    const plan = backup.BackupPlan.daily35DayRetention(stack, 'OrgPlan');
    const database = new DependentDatabase(stack, 'Database', { vpc: testVpc(stack), kind: DatabaseKind.POSTGRESQL_INSTANCE, backupPlan: plan });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.resourceCountIs('AWS::Backup::BackupVault', 1);
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupPlanId: { 'Fn::GetAtt': [logicalId(stack, plan.node.defaultChild), 'BackupPlanId'] } });
    expect(JSON.stringify(template.findResources('AWS::Backup::BackupSelection'))).toContain(logicalId(stack, database.handle.resource.node.defaultChild));
  });

  test('the new storage key denies kms:CreateGrant unless it is for an AWS resource', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny', Action: 'kms:CreateGrant', Principal: { AWS: '*' },
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      })]) },
    });
  });
});

describe('change safety', () => {
  test('the security group description is a constant: no construct path, no prose (changing it is a breaking change)', () => {
    const { template } = build();
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'cdk-safe-eks database' });
    const elsewhere = new DependentDatabase(testStack(undefined, 'Other'), 'Ledger', { vpc: testVpc(testStack(undefined, 'OtherNet')) });
    expect((elsewhere.securityGroup.node.defaultChild as ec2.CfnSecurityGroup).groupDescription).toBe('cdk-safe-eks database');
  });

  test.each([DatabaseKind.AURORA_POSTGRESQL, DatabaseKind.POSTGRESQL_INSTANCE])('%s: a literal identifier by default, derived from the path and stable', (kind) => {
    const resource = kind === DatabaseKind.AURORA_POSTGRESQL ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance';
    const property = kind === DatabaseKind.AURORA_POSTGRESQL ? 'DBClusterIdentifier' : 'DBInstanceIdentifier';
    const identifiers = [build({ kind }), build({ kind })].map(({ template }) =>
      Object.values(template.findResources(resource)).map((r) => r.Properties[property]).filter((v) => v !== undefined));
    expect(identifiers[0]).toEqual([expect.stringMatching(/^test-database-[a-z0-9]{8}$/)]);
    expect(identifiers[1]).toEqual(identifiers[0]);
    build({ kind, identifier: 'payments-db' }).template.hasResourceProperties(resource, { [property]: 'payments-db' });
  });

  test('a bad identifier is refused with the fix', () => {
    expect(construct({ identifier: '1-db' })).toThrow(/`identifier` must be 1 to 63 letters, digits or hyphens[\s\S]*payments-db/);
    expect(construct({ identifier: 'a--b' })).toThrow(/`identifier`/);
  });

  test('Aurora instances are retained while the cluster is protected, and deleted with it once protection is off', () => {
    const instances = (template: Template) => Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances(build().template).map((r) => [r.DeletionPolicy, r.UpdateReplacePolicy])).toEqual([['Retain', 'Delete'], ['Retain', 'Delete']]);
    expect(instances(build({ deletionProtection: false }).template).map((r) => r.DeletionPolicy)).toEqual(['Delete', 'Delete']);
  });

  test('engine versions do not age out: the Aurora default is the newest PostgreSQL 17 constant of aws-cdk-lib, the instance default is major-only', () => {
    const aurora17 = Object.keys(rds.AuroraPostgresEngineVersion).filter((k) => /^VER_17_\d+$/.test(k))
      .map((k) => (rds.AuroraPostgresEngineVersion as unknown as Record<string, rds.AuroraPostgresEngineVersion>)[k].auroraPostgresFullVersion)
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    build().template.hasResourceProperties('AWS::RDS::DBCluster', { EngineVersion: aurora17[aurora17.length - 1] });
    build({ kind: DatabaseKind.POSTGRESQL_INSTANCE }).template.hasResourceProperties('AWS::RDS::DBInstance', { EngineVersion: '17' });
  });

  test('the TLS parameter group description is pinned (it is create-only too)', () => {
    build().template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Description: 'cdk-safe-eks: TLS required on every connection' });
  });
});

describe('the typed handle', () => {
  test('Aurora: the handle is the cluster, and the database delegates to it', () => {
    const { database } = build();
    expect(database.handle.kind).toBe(DatabaseKind.AURORA_POSTGRESQL);
    expect(database.handle.resource).toBeInstanceOf(rds.DatabaseCluster);
    expect(database.secret).toBe(database.handle.secret);
    expect(database.endpointAddress).toBe(database.handle.endpointAddress);
  });
});
