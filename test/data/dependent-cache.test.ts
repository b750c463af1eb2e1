import { CfnElement, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fc from 'fast-check';
import { CacheEngine, DependentCache, DependentCacheProps } from '../../lib';
import { testStack, testVpc } from '../helpers';

function logicalId(stack: Stack, element: unknown): string {
  return stack.getLogicalId(element as CfnElement);
}

function construct(props: Partial<DependentCacheProps>): () => DependentCache {
  return () => {
    const stack = testStack();
    return new DependentCache(stack, 'Cache', { vpc: testVpc(stack), ...props });
  };
}

describe('Valkey replication group (default)', () => {
  let stack: Stack;
  let vpc: ec2.Vpc;
  let cache: DependentCache;
  let template: Template;
  beforeAll(() => {
    stack = testStack();
    vpc = testVpc(stack);
    cache = new DependentCache(stack, 'Cache', { vpc });
    template = Template.fromStack(stack);
  });

  test('Multi-AZ with automatic failover, a primary and one replica', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.0',
      CacheNodeType: 'cache.r7g.large',
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      Port: 6379,
    });
  });

  test('encrypted at rest with a retained, rotating KMS key and in transit with TLS required', () => {
    const keyId = logicalId(stack, cache.encryptionKey.node.defaultChild);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('the AUTH token is generated in Secrets Manager and reaches ElastiCache only as a dynamic reference', () => {
    const secretId = logicalId(stack, cache.authToken.node.defaultChild);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      KmsKeyId: { 'Fn::GetAtt': [logicalId(stack, cache.encryptionKey.node.defaultChild), 'Arn'] },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
    });
  });

  test('daily snapshots are kept 7 days and removal takes a final snapshot', () => {
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: Match.objectLike({ SnapshotRetentionLimit: 15 }),
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('its own subnet group in the isolated subnets and its own security group', () => {
    const isolated = stack.resolve(vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds);
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: isolated });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^CacheSubnetGroup') },
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(stack, cache.securityGroup.node.defaultChild), 'GroupId'] }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'cdk-safe-eks cache',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('stateful logical IDs are locked: renaming them would replace the cache', () => {
    expect(logicalId(stack, cache.replicationGroup)).toBe('CacheReplicationGroupBFE59FF3');
    expect(logicalId(stack, cache.encryptionKey.node.defaultChild)).toBe('CacheEncryptionKey427BEC22');
    expect(Object.keys(template.findResources('AWS::ElastiCache::SubnetGroup'))).toEqual(['CacheSubnetGroup355C216D']);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup'))).toEqual(['CacheSecurityGroup79A9F160']);
  });
});

describe('options', () => {
  test('Redis OSS, a given key, name, port, replicas, retention and removal policy are used as given', () => {
    // GIVEN
    const stack = testStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });

    // WHEN
    const cache = new DependentCache(stack, 'Cache', {
      vpc: testVpc(stack), engine: CacheEngine.REDIS, encryptionKey: key, replicationGroupId: 'payments-cache',
      port: 6380, replicas: 2, snapshotRetentionDays: 35, removalPolicy: RemovalPolicy.RETAIN,
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: Match.objectLike({
        Engine: 'redis', EngineVersion: '7.1', ReplicationGroupId: 'payments-cache', Port: 6380, NumCacheClusters: 3,
        SnapshotRetentionLimit: 35, KmsKeyId: { 'Fn::GetAtt': [logicalId(stack, key.node.defaultChild), 'Arn'] },
      }),
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(cache.port).toBe(6380);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([
    [CacheEngine.VALKEY, 6379], [CacheEngine.VALKEY, 6380], [CacheEngine.REDIS, 6379], [CacheEngine.REDIS, 6380],
  ])('finds nothing on ElastiCache, EC2 or the AUTH token secret for %s on port %d', (engine, port) => {
    // GIVEN
    const stack = testStack();
    new DependentCache(stack, 'Cache', { vpc: testVpc(stack), engine, port });

    // THEN
    const report = new AwsSolutionsChecks(stack).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName).filter((r) => /^AwsSolutions-(AEC|EC2|SMG)/.test(r))).toEqual([]);
  });
});

describe('bad input', () => {
  test('a VPC without isolated subnets needs vpcSubnets', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'TwoTier', { maxAzs: 2, natGateways: 1 });
    expect(() => new DependentCache(stack, 'Cache', { vpc })).toThrow(/^Test\/Cache: `vpc` has no isolated subnets, .* Got: Test\/TwoTier with 2 private with egress and 2 public subnets\. Fix: pass `vpcSubnets/);
    expect(() => new DependentCache(stack, 'Private', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })).not.toThrow();
  });

  test.each([
    ['port 0', { port: 0 }, /`port` must be a whole number from 1 to 65535/],
    ['a token port', { port: Token.asNumber({ Ref: 'Port' }) }, /`port` must be a literal number, not a token/],
    ['no replica', { replicas: 0 }, /`replicas` must be a whole number from 1 to 5/],
    ['36 snapshot days', { snapshotRetentionDays: 36 }, /`snapshotRetentionDays` must be a whole number from 1 to 35/],
    ['an upper-case name', { replicationGroupId: 'Payments' }, /`replicationGroupId` must be 1 to 40/],
    ['a name with two hyphens', { replicationGroupId: 'pay--cache' }, /`replicationGroupId`/],
    ['a name ending in a hyphen', { replicationGroupId: 'payments-' }, /`replicationGroupId`/],
    ['a 41-character name', { replicationGroupId: 'a'.repeat(41) }, /`replicationGroupId`/],
    ['a node type without the cache prefix', { nodeType: 'r7g.large' }, /`nodeType` must be an ElastiCache node type/],
  ] as Array<[string, Partial<DependentCacheProps>, RegExp]>)('%s is refused', (_label, props, message) => {
    expect(construct(props)).toThrow(message);
  });

  test('replication group names follow the ElastiCache rules (property)', () => {
    const valid = (s: string): boolean => /^[a-z][a-z0-9-]{0,39}$/.test(s) && !s.includes('--') && !s.endsWith('-');
    fc.assert(fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,39}$/).filter(valid), (replicationGroupId) => {
      expect(construct({ replicationGroupId })).not.toThrow();
    }), { numRuns: 20 });
    fc.assert(fc.property(fc.string({ maxLength: 50 }).filter((s) => !valid(s)), (replicationGroupId) => {
      expect(construct({ replicationGroupId })).toThrow(/`replicationGroupId` must be/);
    }), { numRuns: 30 });
  });

  test('ports outside 1 to 65535 are refused (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1, max: 65535, noInteger: true })), (port) => {
      expect(construct({ port })).toThrow(/must be a whole number from 1 to 65535/);
    }), { numRuns: 30 });
  });
});

describe('change safety', () => {
  test('the security group description is a constant and the replication group ID is literal by default', () => {
    const stack = testStack();
    new DependentCache(stack, 'Cache', { vpc: testVpc(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'cdk-safe-eks cache' });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { ReplicationGroupId: Match.stringLikeRegexp('^test-cache-[a-z0-9]{8}$') });
  });
});
