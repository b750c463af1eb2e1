import { CfnCondition, CfnOutput, Fn, NestedStack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SafeCluster } from '../../../../lib';
import { SecurityGroupNoClusterSecurityGroupPeer } from '../../../../lib/checks/nag/rules';
import { testApp, testStack, testVpc } from '../../../helpers';
import { VERSION, auroraCluster, l1Cluster, plainV2Cluster, reports, v1Cluster } from '../utils';

const rule = SecurityGroupNoClusterSecurityGroupPeer;

describe('SecurityGroupNoClusterSecurityGroupPeer: no security-group rule trusts the EKS-created cluster group', () => {
  test('Noncompliance 1: L2 aws-eks-v2 db.connections.allowDefaultPortFrom(cluster) (standalone ingress)', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    auroraCluster(vpc).connections.allowDefaultPortFrom(plainV2Cluster(stack, vpc));
    expect(reports(stack, rule)).toEqual(['Test/Db/SecurityGroup/from TestClusterClusterSecurityGroup0FFC9F58:{IndirectPort}']);
  });

  test('Noncompliance 2: L2 ingress and egress naming cluster.clusterSecurityGroup, and a rule written on it', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const cluster = plainV2Cluster(stack, vpc);
    const inbound = new ec2.SecurityGroup(stack, 'Inbound', { vpc });
    inbound.addIngressRule(cluster.clusterSecurityGroup, ec2.Port.tcp(443));
    const outbound = new ec2.SecurityGroup(stack, 'Outbound', { vpc, allowAllOutbound: false });
    outbound.addEgressRule(cluster.clusterSecurityGroup, ec2.Port.tcp(5432));
    cluster.clusterSecurityGroup.addIngressRule(new ec2.SecurityGroup(stack, 'Owned', { vpc }), ec2.Port.tcp(8443));
    expect(reports(stack, rule)).toEqual([
      'Test/Cluster/ClusterSecurityGroup/from TestOwnedD524F84D:8443',
      'Test/Inbound/from TestClusterClusterSecurityGroup0FFC9F58:443',
      'Test/Outbound/to TestClusterClusterSecurityGroup0FFC9F58:5432',
    ]);
  });

  test('Noncompliance 3: L1 inline ingress and standalone egress with Fn::GetAtt <Cluster>.ClusterSecurityGroupId', () => {
    const stack = testStack();
    const cluster = l1Cluster(stack, 'L1Cluster');
    new ec2.CfnSecurityGroup(stack, 'Inline', {
      groupDescription: 'inline', vpcId: 'vpc-1',
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 6379, toPort: 6379, sourceSecurityGroupId: cluster.attrClusterSecurityGroupId }],
    });
    new ec2.CfnSecurityGroupEgress(stack, 'Standalone', {
      groupId: 'sg-owned', ipProtocol: '-1', destinationSecurityGroupId: cluster.attrClusterSecurityGroupId,
    });
    expect(reports(stack, rule)).toEqual(['Test/Inline', 'Test/Standalone']);
  });

  test('Noncompliance 4: L2 aws-eks (v1, custom resource) cluster group as a peer', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const cluster = v1Cluster(stack, vpc);
    new ec2.SecurityGroup(stack, 'Cache', { vpc }).addIngressRule(cluster.clusterSecurityGroup, ec2.Port.tcp(6379));
    expect(reports(stack, rule)).toEqual(['Test/Cache/from TestV1ClusterClusterSecurityGroupD79AE02F:6379']);
  });

  test('Noncompliance 5: cross-stack, through the export CDK writes for the reference', () => {
    const app = testApp();
    const clusterStack = testStack(app, 'ClusterStack');
    const vpc = testVpc(clusterStack);
    const cluster = plainV2Cluster(clusterStack, vpc);
    const dataStack = testStack(app, 'DataStack');
    new ec2.SecurityGroup(dataStack, 'Cache', { vpc }).addIngressRule(cluster.clusterSecurityGroup, ec2.Port.tcp(6379));
    app.synth();
    expect(reports(app, rule)).toEqual(['DataStack/Cache/from ClusterStackClusterClusterSecurityGroupBD6A8AD3:6379']);
  });

  test('Noncompliance 6: L1 Fn::ImportValue of an export whose value is the cluster group', () => {
    const app = testApp();
    const clusterStack = testStack(app, 'ClusterStack');
    const cluster = plainV2Cluster(clusterStack, testVpc(clusterStack));
    new CfnOutput(clusterStack, 'ClusterGroup', { value: cluster.clusterSecurityGroupId, exportName: 'payments-cluster-sg' });
    const dataStack = testStack(app, 'DataStack');
    new ec2.CfnSecurityGroupIngress(dataStack, 'FromCluster', {
      groupId: 'sg-cache', ipProtocol: 'tcp', fromPort: 6379, toPort: 6379, sourceSecurityGroupId: Fn.importValue('payments-cluster-sg'),
    });
    expect(reports(app, rule)).toEqual(['DataStack/FromCluster']);
  });

  test('Noncompliance 7: nested stacks, through the parameter a parent passes in and the output a parent reads', () => {
    const app = testApp();
    const parent = testStack(app, 'Parent');
    const vpc = testVpc(parent);
    const cluster = plainV2Cluster(parent, vpc);
    const child = new NestedStack(parent, 'Child');
    new ec2.SecurityGroup(child, 'Cache', { vpc }).addIngressRule(cluster.clusterSecurityGroup, ec2.Port.tcp(6379));
    const nestedCluster = plainV2Cluster(new NestedStack(parent, 'Compute'), vpc);
    new ec2.SecurityGroup(parent, 'Queue', { vpc }).addIngressRule(nestedCluster.clusterSecurityGroup, ec2.Port.tcp(5671));
    app.synth();
    expect(reports(app, rule)).toEqual([
      'Parent/Child/Cache/from ParentClusterClusterSecurityGroupBC83157D:6379',
      'Parent/Queue/from ParentComputeClusterClusterSecurityGroup9471FDD0:5671',
    ]);
  });

  test('Error: inline rules known only at deploy time cannot be judged', () => {
    const stack = testStack();
    new CfnCondition(stack, 'Strict', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
    new ec2.CfnSecurityGroup(stack, 'Conditional', {
      groupDescription: 'conditional', vpcId: 'vpc-1',
      securityGroupIngress: Fn.conditionIf('Strict', [], [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/8' }]),
    });
    expect(reports(stack, rule)).toEqual(['Test/Conditional (error)']);
  });

  test('Compliance', () => {
    const app = testApp();
    const stack = testStack(app);
    const vpc = testVpc(stack);
    const cluster = new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 1 });
    auroraCluster(vpc).connections.allowDefaultPortFrom(cluster);
    new CfnOutput(stack, 'NodeGroupExport', { value: cluster.nodeSecurityGroup.securityGroupId, exportName: 'payments-node-sg' });
    const other = testStack(app, 'Other');
    new ec2.CfnSecurityGroupIngress(other, 'FromNodes', {
      groupId: 'sg-cache', ipProtocol: 'tcp', fromPort: 6379, toPort: 6379, sourceSecurityGroupId: Fn.importValue('payments-node-sg'),
    });
    new ec2.CfnSecurityGroup(other, 'Unrelated', {
      groupDescription: 'literal peers', vpcId: 'vpc-1',
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, sourceSecurityGroupId: 'sg-0123456789abcdef0' }],
    });
    expect(reports(app, rule)).toEqual([]);
  });
});
