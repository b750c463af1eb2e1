/**
 * One test per category of the bad-input corpus (issue 9): each input is refused with the
 * library's `path: problem Got: value. Fix: fix` message, or warned about where AWS would accept it.
 */
import { Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CacheEngine, DataStoreAccess, DependentCache, DependentDatabase, SafeCluster, SafeClusterProps, SafeNodegroup } from '../lib';
import { refusal, testApp, testStack, testVpc } from './helpers';

const V = eks.KubernetesVersion.V1_34;

function setup() {
  const app = testApp();
  const stack = testStack(app);
  const vpc = testVpc(stack);
  const cluster = (id: string, props: Partial<SafeClusterProps> = {}) => new SafeCluster(stack, id, { version: V, vpc, defaultCapacity: 0, ...props });
  return { app, stack, vpc, cluster };
}

describe('silently accepted before, refused now', () => {
  test('subnets of another VPC, one-zone control plane, service CIDR in the VPC, bad endpoint CIDR, version 1.5', () => {
    const { stack, cluster } = setup();
    const other = testVpc(stack, 'Other');
    expect(refusal(() => cluster('A', { vpcSubnets: [{ subnets: other.privateSubnets }] })).code).toBe('SubnetOfOtherVpc');
    expect(refusal(() => cluster('B', { vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ['eu-west-1a'] }] })).code)
      .toBe('SingleAvailabilityZone');
    const overlap = refusal(() => cluster('C', { serviceIpv4Cidr: '10.0.128.0/20' }));
    expect(overlap.code).toBe('ServiceCidrOverlapsVpc');
    expect(overlap.message).toContain('"10.0.0.0/16"');
    expect(refusal(() => cluster('D', { endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('10.0.0.0/33') })).code).toBe('Ipv4Cidr');
    expect(refusal(() => cluster('E', { version: eks.KubernetesVersion.of('1.5') })).message).toMatch(/EKS started at 1\.10.*Got: "1\.5"/);
    // The add-on table covers no 1.12: every version is named, with the reason.
    cluster('Old', {
      version: eks.KubernetesVersion.of('1.12'),
      addonVersions: { vpcCni: 'v1.10.4-eksbuild.1', kubeProxy: 'v1.12.6-eksbuild.2', coreDns: 'v1.2.6-eksbuild.1', podIdentityAgent: 'v1.0.0-eksbuild.1' },
      unlistedAddonVersionReason: 'a cluster kept at 1.12 for this test',
    });
    Annotations.fromStack(stack).hasWarning('/Test/Old', Match.stringLikeRegexp('Kubernetes 1.12 is outside the versions aws-cdk-lib names'));
    expect(() => cluster('Ok', { serviceIpv4Cidr: '172.20.0.0/16', endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24') })).not.toThrow();
  });

  test('node-group names, database user names, cache versions and keys of another region', () => {
    const { stack, vpc, cluster } = setup();
    const safe = cluster('Safe');
    expect(refusal(() => safe.addNodegroup('Ng', { nodegroupName: 'x'.repeat(64) })).code).toBe('NodegroupName');
    expect(refusal(() => new DependentDatabase(stack, 'Db', { vpc, masterUsername: 'user' })).code).toBe('ReservedUsername');
    expect(refusal(() => new DependentCache(stack, 'Cache', { vpc, engineVersion: 'seven' })).code).toBe('CacheEngineVersion');
    expect(refusal(() => new DependentCache(stack, 'Old', { vpc, engine: CacheEngine.REDIS, engineVersion: '6.2' })).message).toMatch(/require TLS/);
    const usKey = kms.Key.fromKeyArn(stack, 'UsKey', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    for (const make of [
      () => cluster('K', { secretsEncryptionKey: usKey }),
      () => new DependentDatabase(stack, 'KeyDb', { vpc, storageEncryptionKey: usKey }),
      () => new DependentCache(stack, 'KeyCache', { vpc, encryptionKey: usKey }),
    ]) {
      expect(refusal(make).message).toMatch(/another region.*"us-east-1".*"eu-west-1"/);
    }
  });

  test('imports: malformed, empty or repeated security-group IDs and names EKS rejects', () => {
    const { stack, vpc } = setup();
    const attrs = { clusterName: 'far', vpc, nodeSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', controlPlaneSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb' };
    const importWith = (id: string, over: object) => () => SafeCluster.fromSafeClusterAttributes(stack, id, { ...attrs, ...over });
    expect(refusal(importWith('A', { nodeSecurityGroupId: 'sg-123' })).code).toBe('SecurityGroupId');
    expect(refusal(importWith('B', { controlPlaneSecurityGroupId: '' })).code).toBe('SecurityGroupId');
    expect(refusal(importWith('C', { controlPlaneSecurityGroupId: attrs.nodeSecurityGroupId })).code).toBe('SameGroupTwice');
    expect(refusal(importWith('D', { clusterName: 'bad name' })).code).toBe('ClusterName');
    expect(importWith('Ok', {})).not.toThrow();
  });

  test('two clusters with one name in one account and region fail synthesis', () => {
    const { app, cluster } = setup();
    cluster('Blue', { clusterName: 'payments' });
    cluster('Green', { clusterName: 'payments' });
    expect(() => app.synth()).toThrow(/Test\/Blue: Another EKS cluster .* "payments"[\s\S]*Got: Test\/Green\/Cluster/);
  });

  test('a store and a client in a VPC created here versus a VPC imported by literal ID are refused', () => {
    const { stack, vpc } = setup();
    const store = new DependentDatabase(stack, 'Db', { vpc });
    const imported = SafeCluster.fromSafeClusterAttributes(stack, 'Far', {
      clusterName: 'far', vpc: ec2.Vpc.fromVpcAttributes(stack, 'FarVpc', { vpcId: 'vpc-22222222', availabilityZones: ['eu-west-1a'] }),
      nodeSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', controlPlaneSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb',
    });
    expect(refusal(() => store.allowFrom(imported)).code).toBe('DifferentVpc');
  });
});

describe('silent dependence on the EKS-created group', () => {
  test('DataStoreAccess on the EKS-created group is refused', () => {
    const { stack, cluster } = setup();
    const plain = cluster('Safe').cluster as eks.Cluster;
    const eksCreatedGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Vendor', plain.clusterSecurityGroupId);
    expect(refusal(() => new DataStoreAccess(stack, 'Access', { securityGroup: eksCreatedGroup, port: 5432 })).code).toBe('EksClusterSecurityGroup');
  });

  test('DataStoreAccess on the literal ID of an imported cluster\'s EKS-created group fails synthesis', () => {
    const app = testApp();
    const stack = testStack(app);
    const vpc = testVpc(stack);
    const eksCreatedGroupId = 'sg-0dddddddddddddddd';
    eks.Cluster.fromClusterAttributes(stack, 'Plain', { clusterName: 'plain', vpc, clusterSecurityGroupId: eksCreatedGroupId });
    new DataStoreAccess(stack, 'Access', { securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', eksCreatedGroupId), port: 5432 });
    expect(() => app.synth()).toThrow(/Test\/Access: `securityGroup` is the security group EKS created for a cluster of this app.*Got: "sg-0dddddddddddddddd", the clusterSecurityGroupId of Test\/Plain/);
  });

  test('ASG capacity and Auto Mode through cluster.cluster fail synthesis; an L1 Fargate profile warns', () => {
    const { stack, cluster } = setup();
    const safe = cluster('Safe', { clusterName: 'safe' });
    const eksCluster = safe.cluster as eks.Cluster;
    eksCluster.addFargateProfile('Sneaky', { selectors: [{ namespace: 'default' }] });
    Annotations.fromStack(stack).hasWarning('/Test/Safe/Cluster/fargate-profile-Sneaky', Match.stringLikeRegexp('cluster.cluster.addFargateProfile'));

    const app2 = testApp();
    const stack2 = testStack(app2);
    const safe2 = new SafeCluster(stack2, 'Safe', { version: V, vpc: testVpc(stack2), defaultCapacity: 0, clusterName: 'safe' });
    const eks2 = safe2.cluster as eks.Cluster;
    eks2.addAutoScalingGroupCapacity('Asg', { instanceType: new ec2.InstanceType('m5.large') });
    (eks2.node.defaultChild as eks.CfnCluster).addPropertyOverride('ComputeConfig.Enabled', true);
    expect(() => app2.synth()).toThrow(/addAutoScalingGroupCapacity[\s\S]*Auto Mode is turned on through the L1 escape hatch/);
  });
});

describe('silently wrong before, refused now', () => {
  test('a token defaultCapacity, one admin listed twice', () => {
    const { stack, cluster } = setup();
    expect(refusal(() => cluster('T', { defaultCapacity: Token.asNumber({ resolve: () => 3 }) })).code).toBe('DefaultCapacityToken');
    const admin = iam.Role.fromRoleName(stack, 'Admin', 'platform-admin');
    const again = iam.Role.fromRoleName(stack, 'AdminAgain', 'platform-admin');
    const dup = refusal(() => cluster('Dup', { adminRoles: [admin, again] }));
    expect(dup.code).toBe('DuplicateAdminRole');
    expect(dup.message).toMatch(/`adminRoles\[1\]` is the same principal as `adminRoles\[0\]`/);
  });
});

describe('crashes a jsii caller got, now SafeEksError naming the prop', () => {
  test('missing or mistyped required props and arguments', () => {
    const { stack, vpc, cluster } = setup();
    const js = (x: unknown) => x as never;
    const cases: Array<[() => unknown, RegExp]> = [
      [() => new SafeNodegroup(stack, 'Ng', js({})), /`cluster` is required/],
      [() => new DataStoreAccess(stack, 'A', js({ port: 5432 })), /`securityGroup` is required/],
      [() => SafeCluster.fromSafeClusterAttributes(stack, 'I', js({ clusterName: 'x', nodeSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', controlPlaneSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb' })), /`vpc` is required/],
      [() => cluster('S', { vpcSubnets: js({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }) }), /`vpcSubnets` must be an array/],
      [() => cluster('R', { adminRoles: js([undefined]) }), /`adminRoles\[0\]` is required/],
      [() => new DependentDatabase(stack, 'Db', { vpc }).allowFrom(js(undefined)), /`allowFrom: cluster` is required/],
      [() => cluster('K', { kubectlProviderOptions: js({}) }), /`kubectlProviderOptions` must be an eks.KubectlProviderOptions with a kubectlLayer/],
      [() => cluster('L', { kubectlProviderOptions: js({ kubectlLayer: undefined }) }), /`kubectlProviderOptions.kubectlLayer` is required/],
      [() => new SafeCluster(js(undefined), 'X', { version: V, vpc }), /`scope` must be a construct/],
    ];
    for (const [make, message] of cases) expect(refusal(make).message).toMatch(message);
  });
});

describe('unclear messages, now clear', () => {
  test('instance type named with its value; NaN and Infinity printed as such', () => {
    const { cluster } = setup();
    const safe = cluster('Safe');
    expect(refusal(() => safe.addNodegroup('Ng', { instanceTypes: [new ec2.InstanceType('m5large')] })).message)
      .toMatch(/`instanceTypes\[0\]` is not an EC2 instance type .* Got: "m5large"/);
    expect(refusal(() => safe.addNodegroup('Nan', { minSize: NaN })).message).toContain('Got: NaN.');
    expect(refusal(() => safe.addNodegroup('Inf', { maxSize: Infinity })).message).toContain('Got: Infinity.');
  });

  test('a VPC in the cluster stack and a store in another: "move the VPC into its own stack", not a DependencyCycle', () => {
    const app = testApp();
    const clusterStack = testStack(app, 'Clusters');
    const vpc = testVpc(clusterStack);
    const safe = new SafeCluster(clusterStack, 'Safe', { version: V, vpc, defaultCapacity: 0 });
    const store = new DependentDatabase(testStack(app, 'Data'), 'Db', { vpc });
    expect(refusal(() => store.allowFrom(safe)).message).toMatch(/dependency cycle.*Fix: move the VPC into its own stack/);
    // DataStoreAccess builds nothing in the VPC, so the same layout makes no cycle and is accepted.
    const dataStack = testStack(app, 'Existing');
    const access = new DataStoreAccess(dataStack, 'Access', {
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(dataStack, 'Sg', 'sg-0cccccccccccccccc', { mutable: false }), port: 5432, vpc,
    });
    expect(() => access.allowFrom(safe)).not.toThrow();
  });

  test('the reverse call names the client\'s groups', () => {
    const { stack, vpc, cluster } = setup();
    const safe = cluster('Safe');
    const store = new DependentDatabase(stack, 'Db', { vpc });
    expect(refusal(() => safe.connections.allowTo(store, ec2.Port.tcp(5432))).message)
      .toMatch(/Got: client\.connections\.allowTo\(store\), from the connections of security group\(s\) Test\/Safe\/NodeSecurityGroup\. Fix/);
  });
});
