import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as fc from 'fast-check';
import { Validations } from 'aws-cdk-lib';
import { ConnectivityChecks, EksUpgradeSafetyChecks, FlowRole, GuardrailTrail, RequiredFlows, SafeCluster, SafeClusterProps, UpgradeSupportType } from '../../lib';
import { FlowModel } from '../../lib/model/flow-model';
import { testApp, testStack, testVpc } from '../helpers';

function build(props: Partial<SafeClusterProps> = {}) {
  const stack = testStack();
  const vpc = testVpc(stack);
  const cluster = new SafeCluster(stack, 'Safe', { version: eks.KubernetesVersion.V1_34, vpc, clusterName: 'safe', ...props });
  return { stack, vpc, cluster };
}

function groupIdOf(cluster: SafeCluster, sg: ec2.ISecurityGroup) {
  return { 'Fn::GetAtt': [cluster.stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] };
}

describe('owned rules', () => {
  test('every flow of the table is an owned ingress and egress rule between the two owned groups', () => {
    const { stack, cluster } = build();
    const template = Template.fromStack(stack);
    const groupFor = (role: FlowRole) => groupIdOf(cluster, role === FlowRole.NODES ? cluster.nodeSecurityGroup : cluster.controlPlaneSecurityGroup);
    for (const flow of RequiredFlows.all()) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: groupFor(flow.destination), SourceSecurityGroupId: groupFor(flow.source),
        IpProtocol: flow.protocol, FromPort: flow.fromPort, ToPort: flow.toPort, Description: Match.stringLikeRegexp(flow.id),
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: groupFor(flow.source), DestinationSecurityGroupId: groupFor(flow.destination),
        IpProtocol: flow.protocol, FromPort: flow.fromPort, ToPort: flow.toPort,
      });
    }
    // By default the table plus the all-traffic rows (owned equivalence of the EKS-created group).
    expect(cluster.requiredFlows).toEqual([...RequiredFlows.all(), ...RequiredFlows.allTraffic()]);
  });

  test('webhookFlows: false leaves out only the webhook rules', () => {
    const { stack, cluster } = build({ webhookFlows: false });
    const core = RequiredFlows.select({ webhookFlows: false });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', core.length);
    expect(cluster.requiredFlows).toEqual(core);
  });

  test('no resource references the EKS-created cluster security group', () => {
    const { stack, cluster, vpc } = build();
    const db = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, storageEncrypted: true,
    });
    db.connections.allowDefaultPortFrom(cluster);
    const { Resources: resources } = Template.fromStack(stack).toJSON();
    const offenders = Object.entries(resources as Record<string, unknown>)
      .filter(([, r]) => JSON.stringify(r).includes('ClusterSecurityGroupId'))
      .map(([id]) => id);
    expect(offenders).toEqual([]);
  });

  test('connections is the owned node group, so data-store rules trust only it', () => {
    const { stack, cluster, vpc } = build();
    expect(cluster.connections.securityGroups).toEqual([cluster.nodeSecurityGroup]);
    const db = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, storageEncrypted: true,
    });
    db.connections.allowDefaultPortFrom(cluster);
    const template = Template.fromStack(stack);
    const dbGroup = stack.getLogicalId(db.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    const ingress = template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [dbGroup, 'GroupId'] } },
    });
    expect(Object.values(ingress).map((r) => r.Properties.SourceSecurityGroupId))
      .toEqual([groupIdOf(cluster, cluster.nodeSecurityGroup)]);
  });

  test('the node group is the only one tagged owned for the AWS Load Balancer Controller', () => {
    const { stack } = build();
    const tagged = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup', {
      Properties: { Tags: Match.arrayWith([{ Key: 'kubernetes.io/cluster/safe', Value: 'owned' }]) },
    });
    expect(Object.keys(tagged)).toEqual([expect.stringMatching(/^SafeNodeSecurityGroup/)]);
  });

  test('both owned groups deny all egress except the declared rules', () => {
    const { stack, cluster } = build({ restrictNodeEgress: true });
    const template = Template.fromStack(stack);
    // No inline allow-all: the control plane's only egress is the standalone flow rules.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'cdk-safe-eks control plane',
      SecurityGroupEgress: Match.absent(),
    });
    expect(cluster.controlPlaneSecurityGroup.allowAllOutbound).toBe(false);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'cdk-safe-eks nodes',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
    expect(cluster.nodeSecurityGroup.allowAllOutbound).toBe(false);
  });

  test('nodes may reach any IPv4 destination over TCP and UDP by default, and nothing may reach them from 0.0.0.0/0', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'cdk-safe-eks nodes',
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'udp', FromPort: 0, ToPort: 65535 }),
      ],
    });
    expect(JSON.stringify(template.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain('0.0.0.0/0');
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });
});

describe('node groups', () => {
  test('every node group launch template carries the owned node group and nothing else', () => {
    const { stack, cluster } = build();
    cluster.addNodegroup('Extra', { instanceTypes: [new ec2.InstanceType('m6g.large')] });
    const template = Template.fromStack(stack);
    const nodegroups = template.findResources('AWS::EKS::Nodegroup');
    expect(Object.keys(nodegroups)).toHaveLength(2);
    const templates = template.findResources('AWS::EC2::LaunchTemplate');
    for (const ng of Object.values(nodegroups)) {
      const ltId = ng.Properties.LaunchTemplate.Id.Ref;
      expect(templates[ltId].Properties.LaunchTemplateData.SecurityGroupIds)
        .toEqual([groupIdOf(cluster, cluster.nodeSecurityGroup)]);
    }
  });

  test('the default node group can be turned off and sized', () => {
    const none = build({ defaultCapacity: 0 });
    Template.fromStack(none.stack).resourceCountIs('AWS::EKS::Nodegroup', 0);
    expect(none.cluster.defaultNodegroup).toBeUndefined();
    const three = build({ defaultCapacity: 3, defaultCapacityInstance: new ec2.InstanceType('t3.large') });
    Template.fromStack(three.stack).hasResourceProperties('AWS::EKS::Nodegroup', {
      ScalingConfig: { MinSize: 3, DesiredSize: 3, MaxSize: 3 }, InstanceTypes: ['t3.large'],
    });
  });

  test('a node group added around SafeCluster fails synthesis with the fix', () => {
    const { cluster } = build();
    (cluster.cluster as eks.Cluster).addNodegroupCapacity('Sneaky');
    expect(() => testSynth(cluster)).toThrow(/Safe\/Cluster\/NodegroupSneaky: This node group was not created by SafeCluster.addNodegroup.*Fix: create it with Test\/Safe.addNodegroup/);
  });
});

function testSynth(cluster: SafeCluster) {
  return Template.fromStack(cluster.stack);
}

describe('secure defaults', () => {
  test('private endpoint, KMS secrets encryption, all log types, extended support, deletion protection, API auth', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'safe',
      Version: '1.34',
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false },
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SafeSecretsKey'), 'Arn'] } }, Resources: ['secrets'] }],
      Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } },
      UpgradePolicy: { SupportType: 'EXTENDED' },
      DeletionProtection: true,
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      ComputeConfig: { Enabled: false },
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
    });
  });

  test('no kubectl Lambda unless asked for', () => {
    const { stack } = build();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('the control plane uses only private subnets and the owned control-plane group', () => {
    const { stack, cluster } = build();
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: {
        SecurityGroupIds: [groupIdOf(cluster, cluster.controlPlaneSecurityGroup)],
        SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet') }]),
      },
    });
  });

  test('overrides are honoured: given key, STANDARD support, no deletion protection, admin roles', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const key = new kms.Key(stack, 'MyKey');
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new SafeCluster(stack, 'Safe', {
      version: eks.KubernetesVersion.V1_34, vpc, secretsEncryptionKey: key, adminRoles: [admin],
      upgradeSupportType: UpgradeSupportType.STANDARD, deletionProtection: false, clusterName: 'custom',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::Cluster', {
      UpgradePolicy: { SupportType: 'STANDARD' }, DeletionProtection: false,
      EncryptionConfig: [Match.objectLike({ Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('MyKey'), 'Arn'] } } })],
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Admin'), 'Arn'] },
      AccessPolicies: [Match.objectLike({ PolicyArn: Match.objectLike({}) })],
    });
  });

  test('a generated cluster name is literal, stable and used in the node tag', () => {
    const { stack, cluster } = build({ clusterName: undefined });
    expect(cluster.clusterName).toMatch(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/);
    expect(build({ clusterName: undefined }).cluster.clusterName).toBe(cluster.clusterName);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      Tags: [{ Key: `kubernetes.io/cluster/${cluster.clusterName}`, Value: 'owned' }],
    });
  });
});

describe('warnings', () => {
  test('a Fargate profile warns that its pods use the EKS-created group', () => {
    const { stack, cluster } = build();
    cluster.addFargateProfile('Batch', { selectors: [{ namespace: 'batch' }] });
    Annotations.fromStack(stack).hasWarning('/Test/Safe', Match.stringLikeRegexp('Fargate pods always use the EKS-created cluster security group'));
  });

  test('no admin and fewer log types are warned about; a safe setup has no warnings', () => {
    const { stack } = build({ clusterLogging: [eks.ClusterLoggingTypes.API] });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Test/Safe', Match.stringLikeRegexp('No access entry grants cluster admin'));
    annotations.hasWarning('/Test/Safe', Match.stringLikeRegexp('not exported: audit, authenticator, controllerManager, scheduler'));
    const safe = build({ bootstrapClusterCreatorAdminPermissions: true });
    expect(Annotations.fromStack(safe.stack).findWarning('/Test/Safe', Match.anyValue())).toEqual([]);
  });
});

describe('fromSafeClusterAttributes', () => {
  test('imports the owned groups as the peers another app grants access to', () => {
    const app = testApp();
    const stack = testStack(app, 'Other');
    const vpc = testVpc(stack);
    const imported = SafeCluster.fromSafeClusterAttributes(stack, 'Imported', {
      clusterName: 'payments-blue', vpc, nodeSecurityGroupId: 'sg-0a0a0a0a0a0a0a0a0', controlPlaneSecurityGroupId: 'sg-0c0c0c0c0c0c0c0c0',
    });
    expect(SafeCluster.isSafeCluster(imported)).toBe(true);
    expect(imported.connections.securityGroups.map((g) => g.securityGroupId)).toEqual(['sg-0a0a0a0a0a0a0a0a0']);
    expect(stack.resolve(imported.clusterArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:111111111111:cluster/payments-blue']],
    });
    const db = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, storageEncrypted: true,
    });
    db.connections.allowDefaultPortFrom(imported);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: 'sg-0a0a0a0a0a0a0a0a0' });
  });

  test('isSafeCluster tells SafeClusters from plain EKS clusters', () => {
    const { stack, cluster, vpc } = build();
    const plain = new eks.Cluster(stack, 'Plain', { version: eks.KubernetesVersion.V1_34, vpc });
    expect(SafeCluster.isSafeCluster(cluster)).toBe(true);
    expect(SafeCluster.isSafeCluster(plain)).toBe(false);
    expect(SafeCluster.isSafeCluster(undefined)).toBe(false);
  });
});

describe('bad input', () => {
  const validName = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

  test('cluster names outside EKS rules are refused with the path, the value and the fix', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }).filter((s) => !validName.test(s)), (name) => {
      expect(() => build({ clusterName: name })).toThrow(/Test\/Safe: `clusterName` must be 1 to 100 characters.*Got: .*Fix: choose a name/);
    }), { numRuns: 40 });
  });

  test('valid cluster names are accepted', () => {
    fc.assert(fc.property(fc.stringMatching(validName), (name) => {
      expect(build({ clusterName: name }).cluster.clusterName).toBe(name);
    }), { numRuns: 10 });
  });

  test('versions not of the form 1.N are refused', () => {
    fc.assert(fc.property(fc.string({ maxLength: 10 }).filter((v) => !/^1\.\d{1,3}$/.test(v)), (v) => {
      expect(() => build({ version: eks.KubernetesVersion.of(v) })).toThrow(/`version` must be a Kubernetes minor version.*Got: /);
    }), { numRuns: 30 });
  });

  test('service CIDRs outside the EKS rules are refused; valid ones are passed through', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(fc.property(octet, octet, fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
      const cidr = `${a}.${b}.0.0/${prefix}`;
      const valid = prefix >= 12 && prefix <= 24 && (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168));
      if (valid) {
        const { stack } = build({ serviceIpv4Cidr: cidr });
        Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', { KubernetesNetworkConfig: { ServiceIpv4Cidr: cidr } });
      } else {
        expect(() => build({ serviceIpv4Cidr: cidr })).toThrow(/`serviceIpv4Cidr` must be a \/12 to \/24 IPv4 block/);
      }
    }), { numRuns: 25 });
    expect(() => build({ serviceIpv4Cidr: 'not-a-cidr' })).toThrow(/Got: "not-a-cidr"/);
  });

  test('defaultCapacity must be a whole number from 0 to 1000', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 1001 }), fc.double({ noInteger: true, noNaN: true })), (n) => {
      expect(() => build({ defaultCapacity: n })).toThrow(/`defaultCapacity` must be a whole number from 0 to 1000/);
    }), { numRuns: 30 });
  });

  test('a missing VPC is refused instead of creating one', () => {
    const stack = testStack();
    expect(() => new SafeCluster(stack, 'NoVpc', { version: eks.KubernetesVersion.V1_34 } as SafeClusterProps))
      .toThrow(/Test\/NoVpc: `vpc` is required/);
  });
});

describe('stateful resources across a version change', () => {
  test('changing version keeps every logical ID and changes only the cluster Version and the add-ons of that minor', () => {
    const before = Template.fromStack(build({ version: eks.KubernetesVersion.V1_33 }).stack).toJSON();
    const after = Template.fromStack(build({ version: eks.KubernetesVersion.V1_34 }).stack).toJSON();
    expect(Object.keys(after.Resources).sort()).toEqual(Object.keys(before.Resources).sort());
    const changed = Object.keys(after.Resources)
      .filter((id) => JSON.stringify(after.Resources[id]) !== JSON.stringify(before.Resources[id]));
    const cluster = changed.find((id) => after.Resources[id].Type === 'AWS::EKS::Cluster')!;
    expect(before.Resources[cluster].Properties.Version).toBe('1.33');
    expect(after.Resources[cluster].Properties.Version).toBe('1.34');
    // kube-proxy and CoreDNS move with the minor (in place: only AddonVersion changes); the VPC CNI build is the same for both.
    const addons = changed.filter((id) => id !== cluster);
    expect(addons.map((id) => after.Resources[id].Properties.AddonName).sort()).toEqual(['coredns', 'kube-proxy']);
    for (const id of addons) {
      expect({ ...after.Resources[id].Properties, AddonVersion: undefined }).toEqual({ ...before.Resources[id].Properties, AddonVersion: undefined });
    }
  });
});

describe('incident replay: the EKS-created group loses every rule', () => {
  function replay(stack: import('aws-cdk-lib').Stack) {
    const model = FlowModel.fromTemplates([{ stackName: stack.stackName, template: Template.fromStack(stack).toJSON() }]);
    return model.evaluate();
  }

  test('every required flow of a SafeCluster still holds, through owned rules only', () => {
    const { stack, cluster } = build();
    const report = replay(stack);
    const flowIds = report.flows.map((f) => f.flowId);
    expect(flowIds).toEqual(cluster.requiredFlows.map((f) => f.id));
    for (const flow of report.flows) {
      expect({ id: flow.flowId, before: flow.allowedBefore, after: flow.allowedAfterReplay }).toEqual({ id: flow.flowId, before: true, after: true });
      expect(flow.restsOn.length).toBeGreaterThan(0);
      expect(flow.restsOn.every((rule) => !rule.onEksCreatedGroup)).toBe(true);
    }
  });

  test('the same cluster built with plain aws-eks-v2 loses its node flows (the 2021-01-11 outage)', () => {
    const stack = testStack();
    const plain = new eks.Cluster(stack, 'Plain', {
      version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    });
    expect(plain.defaultNodegroup).toBeDefined();
    const report = replay(stack);
    const lost = report.flows.filter((f) => f.allowedBefore && !f.allowedAfterReplay).map((f) => f.flowId);
    expect(lost).toEqual(expect.arrayContaining(['ControlPlaneToNodesKubelet', 'NodesToControlPlaneHttps', 'NodesToNodesDnsUdp']));
    expect(report.passed).toBe(false);
  });
});

describe('flows switched off on purpose', () => {
  test('webhookFlows: false is acknowledged for the nag pack and for ConnectivityChecks, and nothing else is', () => {
    const app = testApp();
    const stack = testStack(app);
    new SafeCluster(stack, 'Safe', {
      version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'safe', webhookFlows: false,
      bootstrapClusterCreatorAdminPermissions: true,
    }).addGuardrails({ trail: GuardrailTrail.organizationTrail('The organization trail logs management events in every region.') });
    expect(new EksUpgradeSafetyChecks(app).validateScope(app).violations).toEqual([]);
    Validations.of(app).addPlugins(new ConnectivityChecks());
    expect(() => app.synth()).not.toThrow();
  });
});
