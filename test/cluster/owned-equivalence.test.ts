import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { App, Stack } from 'aws-cdk-lib';
import { ControlPlaneTraffic, NodeTraffic, SafeCluster, SafeClusterProps } from '../../lib';
import { FlowModel } from '../../lib/model/flow-model';
import { testApp, testStack, testVpc } from '../helpers';

function build(props: Partial<SafeClusterProps> = {}, stack = testStack()) {
  const vpc = testVpc(stack);
  const admin = iam.Role.fromRoleName(stack, 'Admin', 'platform-admin');
  const cluster = new SafeCluster(stack, 'Safe', {
    version: eks.KubernetesVersion.V1_34, vpc, clusterName: 'safe', adminRoles: [admin], ...props,
  });
  cluster.addNodegroup('Workers', { instanceTypes: [new ec2.InstanceType('m6i.large')] });
  return { stack, vpc, cluster };
}

const groupId = (stack: Stack, sg: ec2.ISecurityGroup) => ({ 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] });

/** Every flow of every cluster in the app, proven from the synthesized templates. */
function report(app: App) {
  const assembly = app.synth({ skipValidation: true });
  return FlowModel.fromTemplates(assembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template }))).evaluate();
}

describe('defaults equal what the EKS-created group allowed between the same parties', () => {
  test('node <-> node all traffic, control plane -> nodes all TCP, ICMP fragmentation-needed from the VPC', () => {
    const { stack, cluster } = build();
    const template = Template.fromStack(stack);
    const [nodes, cp] = [groupId(stack, cluster.nodeSecurityGroup), groupId(stack, cluster.controlPlaneSecurityGroup)];
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: nodes, SourceSecurityGroupId: nodes, IpProtocol: '-1', Description: Match.stringLikeRegexp('^cdk-safe-eks NodesToNodesAllTraffic'),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: nodes, DestinationSecurityGroupId: nodes, IpProtocol: '-1' });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: nodes, SourceSecurityGroupId: cp, IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: cp, DestinationSecurityGroupId: nodes, IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'cdk-safe-eks nodes',
      SecurityGroupIngress: [{ CidrIp: '10.0.0.0/16', IpProtocol: 'icmp', FromPort: 3, ToPort: 4, Description: Match.stringLikeRegexp('VpcToNodesPathMtu') }],
    });
  });

  test('the proofs name pod to pod on any port and protocol, path-MTU ICMP and control plane -> any TCP port, after the replay', () => {
    const app = testApp();
    build({}, testStack(app));
    const flows = report(app).flows;
    for (const id of ['NodesToNodesAllTraffic', 'ControlPlaneToNodesAllTcp', 'VpcToNodesPathMtu']) {
      expect(flows.find((f) => f.flowId === id)).toMatchObject({ allowedBefore: true, allowedAfterReplay: true });
    }
    expect(flows.find((f) => f.flowId === 'VpcToNodesPathMtu')).toMatchObject({ protocol: 'icmp', ports: 'type 3 code 4' });
  });

  test('with RECOMMENDED and NARROW the groups, rules and access entries are those of release 0.1: same logical IDs, same properties', () => {
    // The fixture was captured from release 0.1, with one documented change since: the owned groups'
    // descriptions are the constants `cdk-safe-eks control plane` / `cdk-safe-eks nodes` (CHANGELOG.md, 0.1.0: breaking changes since the first builds).
    const before = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'rules-0.1-recommended.json'), 'utf8'));
    const rules = (props: Partial<SafeClusterProps>) => {
      const { Resources } = Template.fromStack(build(props).stack).toJSON();
      return Object.fromEntries(Object.entries(Resources as { [id: string]: { Type: string; Properties: unknown } })
        .filter(([, r]) => ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EKS::AccessEntry'].includes(r.Type))
        .map(([id, r]) => [id, { Type: r.Type, Properties: r.Properties }]));
    };
    expect(rules({ nodeTraffic: NodeTraffic.RECOMMENDED, controlPlaneTraffic: ControlPlaneTraffic.NARROW })).toEqual(before.webhooks);
    expect(rules({ webhookFlows: false })).toEqual(before.noWebhooks);
  });

  test('the default only adds rules to those of release 0.1: none is replaced or deleted by upgrading the library', () => {
    const before = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'rules-0.1-recommended.json'), 'utf8')).webhooks;
    const { Resources } = Template.fromStack(build().stack).toJSON();
    for (const id of Object.keys(before)) expect(Resources[id]?.Type).toBe(before[id].Type);
  });
});

describe('webhook ports', () => {
  test('webhookPorts and addWebhookPort each write a rule pair and a named flow, under ALL_TCP and NARROW', () => {
    for (const controlPlaneTraffic of [ControlPlaneTraffic.ALL_TCP, ControlPlaneTraffic.NARROW]) {
      const app = testApp();
      const { stack, cluster } = build({ controlPlaneTraffic, webhookPorts: [15017] }, testStack(app));
      cluster.addWebhookPort(8080, 'Vault agent injector');
      cluster.addWebhookPort(8080, 'Vault agent injector'); // a port already required is left as is
      const template = Template.fromStack(stack);
      for (const port of [15017, 8080]) {
        template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', {
          IpProtocol: 'tcp', FromPort: port, ToPort: port, Description: Match.stringLikeRegexp(`ControlPlaneToNodesWebhook${port}:`),
        }, 1);
        template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: 'tcp', FromPort: port, ToPort: port });
        expect(report(app).flows.find((f) => f.flowId === `ControlPlaneToNodesWebhook${port}`)).toMatchObject({ allowedBefore: true, allowedAfterReplay: true });
      }
      expect(cluster.requiredFlows.find((f) => f.id === 'ControlPlaneToNodesWebhook8080')?.reason).toContain('Vault agent injector');
    }
  });

  test('a table webhook port in webhookPorts keeps its row, also with webhookFlows: false', () => {
    const { cluster } = build({ webhookFlows: false, webhookPorts: [9443] });
    expect(cluster.requiredFlows.filter((f) => f.id.includes('Webhook')).map((f) => f.id)).toEqual(['ControlPlaneToNodesWebhook9443']);
  });

  test('contradictory or impossible choices are refused with the fix', () => {
    expect(() => build({ webhookFlows: false, controlPlaneTraffic: ControlPlaneTraffic.ALL_TCP }))
      .toThrow(/Test\/Safe: The flow options contradict each other\. Got: webhookFlows=false, controlPlaneTraffic="all-tcp".*Fix: controlPlaneTraffic ALL_TCP opens every TCP port.*use ControlPlaneTraffic.NARROW/);
    expect(() => build({ webhookPorts: [443] })).toThrow(/webhook port 443 is already a core flow/);
    expect(() => build({ webhookPorts: [15017, 15017] })).toThrow(/webhook port 15017 is listed twice/);
    expect(() => build({ webhookPorts: [70000] })).toThrow(/webhook port 70000 is not a whole number from 1 to 65535/);
    expect(() => build().cluster.addWebhookPort(10250, 'kubelet')).toThrow(/addWebhookPort: webhook port 10250 is already a core flow/);
  });
});

describe('allowApiAccessFrom', () => {
  test('a CIDR gets ingress 443 on the control-plane group and a flow the proofs name', () => {
    const app = testApp();
    const { stack, cluster } = build({}, testStack(app));
    cluster.allowApiAccessFrom(ec2.Peer.ipv4('10.20.0.0/16'));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('control plane'),
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.20.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
    });
    expect(report(app).flows.find((f) => f.flowId === 'ApiAccessFrom10.20.0.0/16')).toMatchObject({ allowedBefore: true, allowedAfterReplay: true });
  });

  test('a security group in another stack: rules in the cluster stack, flow proven from the recorded group', () => {
    const app = testApp();
    const runners = testStack(app, 'Runners');
    const runner = new ec2.SecurityGroup(runners, 'Runner', { vpc: testVpc(runners), allowAllOutbound: false });
    const { stack, cluster } = build({}, testStack(app));
    cluster.allowApiAccessFrom(runner);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: groupId(stack, cluster.controlPlaneSecurityGroup), SourceSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('Runner') }, FromPort: 443,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('Runner') }, FromPort: 443 });
    Template.fromStack(runners).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    const flow = report(app).flows.find((f) => f.flowId.startsWith('ApiAccessFrom'))!;
    expect(flow).toMatchObject({ allowedBefore: true, allowedAfterReplay: true, sourceLabel: expect.stringMatching(/^api-client Runners\/Runner/) });
  });

  test('0.0.0.0/0 and ::/0 are refused', () => {
    const { cluster } = build();
    expect(() => cluster.allowApiAccessFrom(ec2.Peer.anyIpv4())).toThrow(/Test\/Safe: allowApiAccessFrom opens the Kubernetes API only to a named peer.*Got: "0.0.0.0\/0"/);
    expect(() => cluster.allowApiAccessFrom(ec2.Peer.anyIpv6())).toThrow(/Got: "::\/0"/);
  });

  test('a removed API access rule fails the proof by name', () => {
    const app = testApp();
    const { cluster } = build({}, testStack(app));
    cluster.allowApiAccessFrom(ec2.Peer.ipv4('10.20.0.0/16'));
    (cluster.controlPlaneSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup).addPropertyDeletionOverride('SecurityGroupIngress');
    expect(report(app).flows.find((f) => f.flowId === 'ApiAccessFrom10.20.0.0/16')).toMatchObject({ allowedBefore: false });
  });
});

describe('allowNodePortsFrom', () => {
  test('an ALB in the cluster stack: ingress on the nodes, egress on the balancer, a recorded flow', () => {
    const app = testApp();
    const { stack, cluster, vpc } = build({}, testStack(app));
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
    cluster.allowNodePortsFrom(alb, 8080);
    const template = Template.fromStack(stack);
    const albGroup = groupId(stack, alb.connections.securityGroups[0]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: groupId(stack, cluster.nodeSecurityGroup), SourceSecurityGroupId: albGroup, FromPort: 8080 });
    const flow = cluster.requiredFlows.find((f) => f.id.startsWith('NodePort8080From'))!;
    expect(flow).toBeDefined();
    expect(report(app).flows.find((f) => f.flowId === flow.id)).toMatchObject({ allowedBefore: true, allowedAfterReplay: true });
  });

  test('an NLB with a group in its own stack: both rules in the balancer stack, the proofs find the flow from the balancer', () => {
    const app = testApp();
    const { stack, cluster } = build({}, testStack(app));
    const ingress = testStack(app, 'Ingress');
    const vpc = ec2.Vpc.fromVpcAttributes(ingress, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] });
    const group = new ec2.SecurityGroup(ingress, 'NlbGroup', { vpc, allowAllOutbound: false });
    const nlb = new elbv2.NetworkLoadBalancer(ingress, 'Nlb', { vpc, securityGroups: [group] });
    cluster.allowNodePortsFrom(nlb, 30080);
    Template.fromStack(ingress).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('NlbGroup'), 'GroupId'] }, FromPort: 30080,
      GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('NodeSecurityGroup') },
    });
    Template.fromStack(ingress).hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('NlbGroup'), 'GroupId'] }, FromPort: 30080,
      DestinationSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('NodeSecurityGroup') },
    });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 30080 } }))).toEqual([]);
    expect(report(app).flows.find((f) => f.flowId === 'LoadBalancerToNodes' && f.ports === '30080')).toMatchObject({ allowedBefore: true, allowedAfterReplay: true });
  });

  test('a balancer without a security group is refused', () => {
    const { stack, cluster, vpc } = build();
    const nlb = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc });
    expect(() => cluster.allowNodePortsFrom(nlb, 80)).toThrow(/allowNodePortsFrom needs a load balancer with a security group/);
  });
});

describe('kubectl provider', () => {
  test('its Lambda sits on an owned group with 443 to the control plane, never on the EKS-created group', () => {
    const app = testApp();
    const stack = testStack(app);
    const kubectlLayer = lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:eu-west-1:111111111111:layer:kubectl:1');
    const { cluster } = build({ kubectlProviderOptions: { kubectlLayer } }, stack);
    const template = Template.fromStack(stack);
    const owned = groupId(stack, cluster.kubectlProviderSecurityGroup!);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SecurityGroupIds: [owned], SubnetIds: Match.anyValue() } });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: groupId(stack, cluster.controlPlaneSecurityGroup), SourceSecurityGroupId: owned, FromPort: 443 });
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).not.toContain('ClusterSecurityGroupId');
    expect(report(app).flows.find((f) => f.flowId === 'KubectlProviderToApi')).toMatchObject({ allowedBefore: true, allowedAfterReplay: true });
  });

  test('the cluster passes aws-eks-v2 no deprecated option: with jsii deprecations made errors, it still builds', () => {
    const stack = testStack(testApp());
    const kubectlLayer = lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:eu-west-1:111111111111:layer:kubectl:1');
    const previous = process.env.JSII_DEPRECATED;
    process.env.JSII_DEPRECATED = 'fail';
    try {
      expect(() => build({ kubectlProviderOptions: { kubectlLayer } }, stack)).not.toThrow();
    } finally {
      if (previous === undefined) delete process.env.JSII_DEPRECATED;
      else process.env.JSII_DEPRECATED = previous;
    }
  });
});

describe('Karpenter', () => {
  test('node role with an EC2_LINUX access entry; the discovery tag is on the owned node group only', () => {
    const { stack, cluster } = build();
    const access = cluster.enableKarpenter();
    expect(cluster.enableKarpenter()).toBe(access);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      Type: 'EC2_LINUX', PrincipalArn: { 'Fn::GetAtt': [stack.getLogicalId(access.nodeRole.node.defaultChild as iam.CfnRole), 'Arn'] },
    });
    const tagged = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { Tags: Match.arrayWith([{ Key: 'cdk-safe-eks.io/karpenter-discovery', Value: 'safe' }]) },
    });
    expect(Object.keys(tagged)).toEqual([stack.getLogicalId(cluster.nodeSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup)]);
    template.hasResourceProperties('AWS::EKS::Cluster', { Tags: Match.absent() });
  });

  test('a Karpenter-only cluster (no node group): the proofs treat the owned node group as the nodes\' group', () => {
    const app = testApp();
    const stack = testStack(app);
    const cluster = new SafeCluster(stack, 'Safe', { version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'safe', defaultCapacity: 0 });
    cluster.enableKarpenter();
    const { flows, passed } = report(app);
    expect(passed).toBe(true);
    expect(flows.find((f) => f.flowId === 'NodesToNodesAllTraffic')?.edges).toEqual([
      { from: expect.stringMatching(/NodeSecurityGroup/), to: expect.stringMatching(/NodeSecurityGroup/), onEksCreatedGroup: false },
    ]);
    expect(flows.map((f) => f.flowId)).toContain('ControlPlaneToNodesKubelet');
  });

  test('the discovery tag among the cluster tags is refused (EKS would copy it to the group it creates)', () => {
    expect(() => build({ tags: { 'cdk-safe-eks.io/karpenter-discovery': 'safe' } })).toThrow(/Fix: remove cdk-safe-eks.io\/karpenter-discovery from `tags`/);
  });
});

describe('access entries are keyed by role', () => {
  test('reordering adminRoles changes no logical ID; a single role keeps the key of release 0.1', () => {
    const ids = (order: number[]) => {
      const stack = testStack();
      const roles = ['a', 'b', 'c'].map((n) => iam.Role.fromRoleName(stack, `Role${n}`, n));
      new SafeCluster(stack, 'Safe', { version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'safe', defaultCapacity: 0, adminRoles: order.map((i) => roles[i]) });
      return Object.entries(Template.fromStack(stack).findResources('AWS::EKS::AccessEntry'))
        .map(([id, r]) => `${id}=${JSON.stringify(r.Properties.PrincipalArn)}`).sort();
    };
    expect(ids([0, 1, 2])).toEqual(ids([2, 0, 1]));
    expect(ids([0, 1, 2])).toHaveLength(3);
  });
});
