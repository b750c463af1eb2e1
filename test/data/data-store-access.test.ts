import { App, CfnElement, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fc from 'fast-check';
import { DataStoreAccess, DataStoreAccessProps, SafeCluster } from '../../lib';
import { testApp, testStack, testVpc } from '../helpers';

const EXISTING_GROUP = 'sg-0123456789abcdef0';

interface Fixture {
  readonly app: App;
  readonly data: Stack;
  readonly clusterStack: Stack;
  readonly cluster: SafeCluster;
  readonly access: DataStoreAccess;
}

/** A store made elsewhere (only its group ID is known) and a SafeCluster in its own stack. */
function fixture(props: Partial<DataStoreAccessProps> = {}): Fixture {
  const app = testApp();
  // The store's stack: an existing store is usually described next to the network it lives in.
  const data = testStack(app, 'Network');
  const vpc = testVpc(data);
  const access = new DataStoreAccess(data, 'LegacyDatabase', {
    securityGroup: ec2.SecurityGroup.fromSecurityGroupId(data, 'LegacyGroup', EXISTING_GROUP, { mutable: false }),
    port: 5432,
    ...props,
  });
  const clusterStack = testStack(app, 'Cluster');
  const cluster = new SafeCluster(clusterStack, 'Payments', { version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0 });
  return { app, data, clusterStack, cluster, access };
}

function nodeGroupRef(cluster: SafeCluster): unknown {
  return { 'Fn::GetAtt': [Stack.of(cluster).getLogicalId(cluster.nodeSecurityGroup.node.defaultChild as CfnElement), 'GroupId'] };
}

describe('a group that is not marked as ours', () => {
  test('gets no ingress rule; the nodes get their egress rule and a warning names the ingress rule to add', () => {
    // GIVEN
    const { data, clusterStack, cluster, access } = fixture();

    // WHEN
    access.allowFrom(cluster);

    // THEN
    const clusterTemplate = Template.fromStack(clusterStack);
    expect(JSON.stringify(clusterTemplate.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain(EXISTING_GROUP);
    clusterTemplate.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: nodeGroupRef(cluster), DestinationSecurityGroupId: EXISTING_GROUP, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432,
    });
    Template.fromStack(data).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    Annotations.fromStack(data).hasWarning('/Network/LegacyDatabase',
      Match.stringLikeRegexp('not marked as yours to modify[\\s\\S]*allow tcp 5432 from security group Cluster/Payments/NodeSecurityGroup'));
  });
});

describe('a group marked as ours with modifySecurityGroup', () => {
  test('gets one ingress rule in the cluster stack whose only source is the owned node group', () => {
    // GIVEN
    const { data, clusterStack, cluster, access } = fixture({ modifySecurityGroup: true });

    // WHEN
    access.allowFrom(cluster);
    access.connections.allowDefaultPortFrom(cluster);

    // THEN
    const rules = Object.values(Template.fromStack(clusterStack).findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => r.Properties.GroupId === EXISTING_GROUP);
    expect(rules.map((r) => r.Properties)).toEqual([expect.objectContaining({
      SourceSecurityGroupId: nodeGroupRef(cluster), IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432,
    })]);
    Template.fromStack(data).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    expect(Annotations.fromStack(data).findWarning('*', Match.anyValue())).toHaveLength(0);
  });
});

describe('checks', () => {
  test('a cluster outside the given VPC is refused', () => {
    const { data, cluster } = fixture();
    const elsewhere = new DataStoreAccess(data, 'Elsewhere', {
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(data, 'ElsewhereGroup', EXISTING_GROUP),
      port: 6379,
      vpc: testVpc(data, 'OtherVpc'),
    });
    expect(() => elsewhere.allowFrom(cluster)).toThrow(/different VPC/);
  });

  test('a token port is refused', () => {
    const stack = testStack();
    expect(() => new DataStoreAccess(stack, 'Store', {
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', EXISTING_GROUP),
      port: Token.asNumber({ Ref: 'Port' }),
    })).toThrow(/`port` must be a literal number, not a token/);
  });

  test('ports are accepted exactly from 1 to 65535 (property)', () => {
    const stack = testStack();
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', EXISTING_GROUP);
    let n = 0;
    const make = (port: number) => () => new DataStoreAccess(stack, `Store${n++}`, { securityGroup: group, port });
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
      expect(make(port)().port).toBe(port);
    }));
    fc.assert(fc.property(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ noInteger: true })), (port) => {
      expect(make(port)).toThrow(/`port` must be a whole number from 1 to 65535/);
    }));
  });
});
