import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import { SafeCluster } from '../../../../lib';
import { DataStoreNoClusterSecurityGroupDependency } from '../../../../lib/checks/nag/rules';
import { testStack, testVpc } from '../../../helpers';
import { VERSION, auroraCluster, plainV2Cluster, reports } from '../utils';

const rule = DataStoreNoClusterSecurityGroupDependency;

describe('DataStoreNoClusterSecurityGroupDependency: data stores do not depend on the EKS-created cluster group', () => {
  test('Noncompliance 1: L2 aws-eks-v2 db.connections.allowDefaultPortFrom(cluster): nodes reach it only through the cluster group', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const cluster = plainV2Cluster(stack, vpc);
    cluster.addNodegroupCapacity('Plain');
    auroraCluster(vpc).connections.allowDefaultPortFrom(cluster);
    expect(reports(stack, rule)).toEqual(['Test/Db/Resource [ReachableOnlyThroughClusterSecurityGroup]']);
  });

  test('Noncompliance 2: L2 RDS instance that carries the cluster group itself', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const cluster = plainV2Cluster(stack, vpc);
    new rds.DatabaseInstance(stack, 'Instance', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc, securityGroups: [cluster.clusterSecurityGroup],
    });
    expect(reports(stack, rule)).toEqual(['Test/Instance/Resource [CarriesClusterSecurityGroup]']);
  });

  test('Noncompliance 3: L1 ElastiCache replication group, cache cluster and serverless cache', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const clusterGroup = plainV2Cluster(stack, vpc).clusterSecurityGroupId;
    const cacheGroup = new ec2.CfnSecurityGroup(stack, 'CacheGroup', { groupDescription: 'cache', vpcId: vpc.vpcId });
    new ec2.CfnSecurityGroupIngress(stack, 'FromCluster', {
      groupId: cacheGroup.attrGroupId, sourceSecurityGroupId: clusterGroup, ipProtocol: 'tcp', fromPort: 6379, toPort: 6379,
    });
    new elasticache.CfnReplicationGroup(stack, 'Replication', {
      replicationGroupDescription: 'r', engine: 'valkey', cacheNodeType: 'cache.t4g.small', securityGroupIds: [cacheGroup.attrGroupId],
    });
    new elasticache.CfnCacheCluster(stack, 'CacheCluster', {
      engine: 'memcached', cacheNodeType: 'cache.t4g.small', numCacheNodes: 1, vpcSecurityGroupIds: [clusterGroup],
    });
    new elasticache.CfnServerlessCache(stack, 'Serverless', {
      serverlessCacheName: 's', engine: 'valkey', securityGroupIds: [cacheGroup.attrGroupId, clusterGroup],
    });
    expect(reports(stack, rule)).toEqual([
      'Test/CacheCluster [CarriesClusterSecurityGroup]',
      'Test/Replication [ReachableOnlyThroughClusterSecurityGroup]',
      'Test/Serverless [CarriesClusterSecurityGroup]',
      'Test/Serverless [ReachableOnlyThroughClusterSecurityGroup]',
    ]);
  });

  test('Compliance', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const safe = new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 1 });
    auroraCluster(vpc).connections.allowDefaultPortFrom(safe);
    // During a move off the cluster group, a store that also admits the owned node group is reachable without it;
    // the rule that still trusts the cluster group is SecurityGroupNoClusterSecurityGroupPeer's finding.
    const moving = auroraCluster(vpc, 'Moving');
    moving.connections.allowDefaultPortFrom(safe);
    moving.connections.allowDefaultPortFrom(plainV2Cluster(stack, vpc).clusterSecurityGroup);
    new elasticache.CfnServerlessCache(stack, 'Serverless', {
      serverlessCacheName: 's', engine: 'valkey', securityGroupIds: [safe.nodeSecurityGroup.securityGroupId],
    });
    expect(reports(stack, rule)).toEqual([]);
  });
});
