import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fc from 'fast-check';
import { DependentDatabase, ISafeCluster, SafeCluster } from '../../lib';
import { DataApp, dataApp } from './data-app';
import { testApp, testStack, testVpc } from '../helpers';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function resourcesOfType(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function nodeGroupRef(cluster: SafeCluster): unknown {
  const stack = Stack.of(cluster);
  return { 'Fn::GetAtt': [stack.getLogicalId(cluster.nodeSecurityGroup.node.defaultChild as CfnElement), 'GroupId'] };
}

describe('rule placement for a client cluster in its own stack', () => {
  let wired: DataApp;
  let data: Template;
  let clusterTemplate: Template;

  beforeAll(() => {
    wired = dataApp();
    data = Template.fromStack(wired.data);
    clusterTemplate = Template.fromStack(wired.clusterStack!);
  });

  test('each store gets exactly one ingress rule, in the cluster stack, whose only source is the owned node group', () => {
    // GIVEN
    const stores = [
      { exportName: wired.database.securityGroupExportName, port: 5432 },
      { exportName: wired.cache.securityGroupExportName, port: 6379 },
    ];
    const ingress = Object.values(resourcesOfType(clusterTemplate, 'AWS::EC2::SecurityGroupIngress'));

    // THEN
    for (const store of stores) {
      const onStore = ingress.filter((r) => JSON.stringify(r.Properties?.GroupId) === JSON.stringify({ 'Fn::ImportValue': store.exportName }));
      expect(onStore).toHaveLength(1);
      expect(onStore[0].Properties).toEqual(expect.objectContaining({
        IpProtocol: 'tcp', FromPort: store.port, ToPort: store.port, SourceSecurityGroupId: nodeGroupRef(wired.cluster!),
      }));
      expect(onStore[0].Properties).not.toHaveProperty('CidrIp');
    }
  });

  test('the node group gets the matching egress rule to each store', () => {
    for (const [store, port] of [[wired.database, 5432], [wired.cache, 6379]] as const) {
      clusterTemplate.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: nodeGroupRef(wired.cluster!),
        DestinationSecurityGroupId: { 'Fn::ImportValue': store.securityGroupExportName },
        IpProtocol: 'tcp', FromPort: port, ToPort: port,
      });
    }
  });

  test('the data stack holds no rule, imports nothing from the cluster stack and does not depend on it', () => {
    data.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    data.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    data.allResourcesProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
    expect(JSON.stringify(data.toJSON())).not.toContain(`${wired.clusterStack!.stackName}:`);
    expect(wired.data.dependencies).not.toContain(wired.clusterStack);
    expect(wired.clusterStack!.dependencies).toContain(wired.data);
  });

  test('the ports of the rules are the ports the engines listen on', () => {
    data.hasResourceProperties('AWS::RDS::DBCluster', { Port: 5432 });
    data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Port: 6379 });
    expect(wired.database.port).toBe(5432);
    expect(wired.cache.port).toBe(6379);
  });

  test('no template of the app references the EKS-created cluster security group', () => {
    for (const stack of [wired.network, wired.data, wired.clusterStack!]) {
      expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('ClusterSecurityGroupId');
    }
  });

  test('the data stack template is byte-identical without the client cluster stack', () => {
    const alone = dataApp({ withCluster: false });
    expect(JSON.stringify(Template.fromStack(alone.data).toJSON())).toBe(JSON.stringify(data.toJSON()));
  });

  test('a new cluster version and colour change nothing in the data stack, so no stateful logical ID moves', () => {
    const green = dataApp({ version: eks.KubernetesVersion.V1_35, clusterName: 'payments-green' });
    expect(JSON.stringify(Template.fromStack(green.data).toJSON())).toBe(JSON.stringify(data.toJSON()));
  });
});

describe('blue and green clusters in their own stacks', () => {
  test('each cluster stack holds its own single rule per store; the data stack does not change', () => {
    // GIVEN
    const before = JSON.stringify(Template.fromStack(dataApp({ withCluster: false }).data).toJSON());
    const wired = dataApp({ clusterName: 'payments-blue' });
    const greenStack = testStack(wired.app, 'ClusterGreen');
    const green = new SafeCluster(greenStack, 'Payments', {
      version: eks.KubernetesVersion.V1_35, clusterName: 'payments-green', vpc: wired.vpc, defaultCapacity: 0,
    });

    // WHEN
    wired.database.allowFrom(green);

    // THEN
    for (const [stack, cluster] of [[wired.clusterStack!, wired.cluster!], [greenStack, green]] as const) {
      const onDatabase = Object.values(resourcesOfType(Template.fromStack(stack), 'AWS::EC2::SecurityGroupIngress'))
        .filter((r) => JSON.stringify(r.Properties?.GroupId).includes(wired.database.securityGroupExportName));
      expect(onDatabase.map((r) => r.Properties?.SourceSecurityGroupId)).toEqual([nodeGroupRef(cluster)]);
    }
    expect(JSON.stringify(Template.fromStack(wired.data).toJSON())).toBe(before);
  });
});

describe('placement and refusals within one stack', () => {
  function oneStack(): { stack: Stack; vpc: ec2.Vpc; database: DependentDatabase; cluster: SafeCluster } {
    const stack = testStack();
    const vpc = testVpc(stack);
    const database = new DependentDatabase(stack, 'Database', { vpc });
    const cluster = new SafeCluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0 });
    return { stack, vpc, database, cluster };
  }

  test('a cluster in the store\'s stack gets one ingress rule on the store group itself', () => {
    // GIVEN
    const { stack, database, cluster } = oneStack();

    // WHEN
    database.allowFrom(cluster);
    database.allowFrom(cluster);
    database.connections.allowDefaultPortFrom(cluster);

    // THEN
    const template = Template.fromStack(stack);
    const storeGroup = { 'Fn::GetAtt': [stack.getLogicalId(database.securityGroup.node.defaultChild as CfnElement), 'GroupId'] };
    const onStore = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r.Properties?.GroupId) === JSON.stringify(storeGroup));
    expect(onStore.map((r) => r.Properties?.SourceSecurityGroupId)).toEqual([nodeGroupRef(cluster)]);
  });

  test('connections.allowDefaultPortFrom places the same rule as allowFrom', () => {
    // GIVEN
    const app = testApp();
    const dataStack = testStack(app, 'Data');
    const clusterStack = testStack(app, 'Cluster');
    const vpc = testVpc(dataStack);
    const database = new DependentDatabase(dataStack, 'Database', { vpc });
    const cluster = new SafeCluster(clusterStack, 'Cluster', { version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0 });

    // WHEN
    database.connections.allowDefaultPortFrom(cluster);

    // THEN
    Template.fromStack(clusterStack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::ImportValue': database.securityGroupExportName },
      SourceSecurityGroupId: nodeGroupRef(cluster),
      FromPort: 5432,
    });
    Template.fromStack(dataStack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('a plain aws-eks-v2 cluster is refused, naming the incident and SafeCluster', () => {
    // GIVEN
    const { stack, vpc, database } = oneStack();
    const plain = new eks.Cluster(stack, 'Plain', { version: eks.KubernetesVersion.V1_34, vpc });

    // THEN
    expect(() => database.allowFrom(plain as unknown as ISafeCluster)).toThrow(/security group EKS creates[\s\S]*2021-01-11[\s\S]*SafeCluster/);
    expect(() => database.connections.allowDefaultPortFrom(plain)).toThrow(/EKS creates/);
  });

  test('an imported EKS cluster that names its cluster security group is refused', () => {
    const { stack, vpc, database } = oneStack();
    const imported = eks.Cluster.fromClusterAttributes(stack, 'Imported', {
      clusterName: 'legacy', vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0',
    });
    expect(() => database.connections.allowDefaultPortFrom(imported)).toThrow(/EKS creates/);
  });

  test('a SafeCluster import whose node group is really the EKS-created group is refused', () => {
    const { stack, vpc, database } = oneStack();
    const plain = new eks.Cluster(stack, 'Plain', { version: eks.KubernetesVersion.V1_34, vpc });
    const disguised = SafeCluster.fromSafeClusterAttributes(stack, 'Disguised', {
      clusterName: 'disguised', vpc,
      nodeSecurityGroupId: plain.clusterSecurityGroupId,
      controlPlaneSecurityGroupId: 'sg-0123456789abcdef0',
    });
    expect(() => database.allowFrom(disguised)).toThrow(/EKS creates/);
  });

  test('a cluster in another VPC is refused, for created VPCs and for literal VPC IDs', () => {
    const { stack, database } = oneStack();
    const otherVpc = testVpc(stack, 'OtherVpc');
    const elsewhere = new SafeCluster(stack, 'Elsewhere', { version: eks.KubernetesVersion.V1_34, vpc: otherVpc, defaultCapacity: 0 });
    expect(() => database.allowFrom(elsewhere)).toThrow(/different VPC/);

    const literalStore = new DependentDatabase(stack, 'LiteralStore', {
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'StoreVpc', {
        vpcId: 'vpc-11111111', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-1', 'subnet-2'],
      }),
    });
    const literalCluster = SafeCluster.fromSafeClusterAttributes(stack, 'LiteralCluster', {
      clusterName: 'far', vpc: ec2.Vpc.fromVpcAttributes(stack, 'ClusterVpc', { vpcId: 'vpc-22222222', availabilityZones: ['eu-west-1a'] }),
      nodeSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', controlPlaneSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb',
    });
    expect(() => literalStore.allowFrom(literalCluster)).toThrow(/"vpc-11111111"[\s\S]*"vpc-22222222"/);
  });

  test('a cluster stack in another region is refused: exports do not cross regions', () => {
    const app = testApp();
    const data = testStack(app, 'Data');
    const vpc = testVpc(data);
    const database = new DependentDatabase(data, 'Database', { vpc });
    const usStack = new Stack(app, 'Us', { env: { account: '111111111111', region: 'us-east-1' } });
    const imported = SafeCluster.fromSafeClusterAttributes(usStack, 'Far', {
      clusterName: 'far', vpc, nodeSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', controlPlaneSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb',
    });
    expect(() => database.allowFrom(imported)).toThrow(/another region[\s\S]*"eu-west-1"[\s\S]*"us-east-1"/);
  });

  test('something that is not a cluster at all is refused with the SafeCluster fix', () => {
    const { database } = oneStack();
    expect(() => database.allowFrom({} as unknown as ISafeCluster)).toThrow(/accepts only a SafeCluster/);
  });

  test('granting from the client side is refused, because it would make the data stack export per client', () => {
    const { database, cluster } = oneStack();
    expect(() => cluster.connections.allowTo(database, ec2.Port.tcp(5432))).toThrow(/store\.allowFrom\(cluster\)/);
  });

  test('address ranges and other ports are refused', () => {
    const { database, cluster } = oneStack();
    expect(() => database.connections.allowDefaultPortFromAnyIpv4()).toThrow(/security groups only/);
    expect(() => database.connections.allowFrom(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(5432))).toThrow(/security groups only/);
    expect(() => database.connections.allowFrom(cluster, ec2.Port.tcp(22))).toThrow(/listens on 5432/);
    expect(() => database.connections.allowFrom(cluster, ec2.Port.allTraffic())).toThrow(/listens on 5432/);
  });

  test('any port other than the store\'s is refused (property)', () => {
    const { database, cluster } = oneStack();
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 5432), (port) => {
      expect(() => database.connections.allowFrom(cluster, ec2.Port.tcp(port))).toThrow(/WrongStorePort|listens on 5432/);
    }), { numRuns: 50 });
  });
});

describe('what synth accepts, the deploy accepts', () => {
  test('a store whose construct ID EC2 would refuse in a rule description gets a legal description, the same on every synth', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const database = new DependentDatabase(stack, 'Orders DB <primary>', { vpc });
    const cluster = new SafeCluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0 });
    database.allowFrom(cluster);
    const descriptions = ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']
      .flatMap((type) => Object.values(Template.fromStack(stack).findResources(type)).map((r) => r.Properties.Description as string))
      .filter((d) => d.includes('Orders DB'));
    expect(descriptions).toEqual(['cdk-safe-eks: nodes of Test/Cluster to Test/Orders DB _primary_ on tcp 5432', 'cdk-safe-eks: nodes of Test/Cluster to Test/Orders DB _primary_ on tcp 5432']);
  });

  test('a cluster in another account is refused as another account, not as another VPC', () => {
    const app = testApp();
    const data = testStack(app, 'Data');
    const database = new DependentDatabase(data, 'Database', { vpc: testVpc(data) });
    const other = new Stack(app, 'Other', { env: { account: '222222222222', region: 'eu-west-1' } });
    const cluster = new SafeCluster(other, 'Cluster', {
      version: eks.KubernetesVersion.V1_34, defaultCapacity: 0,
      vpc: ec2.Vpc.fromVpcAttributes(other, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-01234567', 'subnet-89abcdef'], vpcCidrBlock: '10.1.0.0/16' }),
    });
    expect(() => database.allowFrom(cluster)).toThrow(expect.objectContaining({
      code: 'DifferentEnvironment',
      message: expect.stringContaining('Data/Database: the client\'s stack is in another account than the store\'s stack'),
    }));
  });
});
