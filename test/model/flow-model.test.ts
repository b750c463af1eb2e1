import * as fc from 'fast-check';
import { FlowModel } from '../../lib/model/flow-model';
import { StackTemplate } from '../../lib/model/stack-template';
import { FlowRole } from '../../lib/model/required-flows';
import {
  TABLE_FLOW_IDS, database, egressRule, eksCluster, groupId, ingressRule, launchTemplate, nodegroup, ownedCluster,
  securityGroup, template, clusterOnEksCreatedGroup, eksCreatedGroupOf, vpc, Resources,
} from '../fixtures/cfn-builders';

const VPC = { Ref: 'Vpc' };
const evaluate = (resources: Resources) => FlowModel.fromTemplates([{ stackName: 'S', template: template({ Vpc: vpc(), ...resources }) }]).evaluate();
const flow = (report: ReturnType<typeof evaluate>, id: string) => report.flows.find((f) => f.flowId === id)!;

/** One owned cluster whose flow `id` is written by `rules` instead of the standard pair. */
function clusterWith(id: string, rules: Resources): Resources {
  const resources = ownedCluster('C', VPC);
  delete resources[`C${id}In`];
  delete resources[`C${id}Out`];
  return { ...resources, ...rules };
}

describe('FlowModel: owned rules (SafeCluster shape)', () => {
  test('every table flow holds before and after the replay, resting on the standalone rule pair', () => {
    const report = evaluate(ownedCluster('C', VPC));
    expect(report.flows.map((f) => f.flowId)).toEqual(TABLE_FLOW_IDS);
    expect(report.passed).toBe(true);
    expect(report.warnings).toEqual([]);
    const kubelet = flow(report, 'ControlPlaneToNodesKubelet');
    expect(kubelet.restsOn.map((r) => r.logicalId).sort()).toEqual(['ControlPlaneToNodesKubeletIn', 'ControlPlaneToNodesKubeletOut'].map((x) => `C${x}`).sort());
    expect(kubelet.restsOn.every((r) => r.stack === 'S' && !r.onEksCreatedGroup)).toBe(true);
    expect(kubelet.edges).toEqual([{ from: 'S/CControlPlaneSg', to: 'S/CNodeSg', onEksCreatedGroup: false }]);
  });

  test('a missing ingress rule fails the flow and names the group and the rule to add', () => {
    const resources = ownedCluster('C', VPC);
    delete resources.CControlPlaneToNodesKubeletIn;
    const kubelet = flow(evaluate(resources), 'ControlPlaneToNodesKubelet');
    expect(kubelet).toMatchObject({ allowedBefore: false, allowedAfterReplay: false, restsOn: [] });
    expect(kubelet.problem).toBe('no ingress rule on [S/CNodeSg] admits tcp 10250 from [S/CControlPlaneSg, S/CCluster#ClusterSecurityGroupId] or from a CIDR containing the VPC');
    expect(kubelet.fix).toBe('add an AWS::EC2::SecurityGroupIngress on S/CNodeSg from S/CControlPlaneSg tcp 10250');
  });

  test('a group without inline egress keeps the EC2 default egress, so only the ingress side matters', () => {
    const resources = ownedCluster('C', VPC);
    delete resources.CControlPlaneToNodesKubeletOut;
    const kubelet = flow(evaluate(resources), 'ControlPlaneToNodesKubelet');
    expect(kubelet.allowedAfterReplay).toBe(true);
    expect(kubelet.restsOn.find((r) => r.direction === 'egress')?.summary).toContain('EC2 default egress');
  });

  test('webhook flows can be left out', () => {
    const report = FlowModel.fromTemplates([{ stackName: 'S', template: template({ Vpc: vpc(), ...ownedCluster('C', VPC) }) }])
      .evaluate({ webhookFlows: false });
    expect(report.flows.map((f) => f.flowId).some((id) => id.includes('Webhook'))).toBe(false);
  });
});

describe('FlowModel: incident replay', () => {
  test('nodes on the EKS-created group: every flow holds only until the replay', () => {
    const report = evaluate(clusterOnEksCreatedGroup('C', VPC));
    expect(report.flows.every((f) => f.allowedBefore && !f.allowedAfterReplay)).toBe(true);
    expect(report.passed).toBe(false);
    const dns = flow(report, 'NodesToNodesDnsUdp');
    expect(dns.restsOn.every((r) => r.onEksCreatedGroup)).toBe(true);
    expect(dns.replayProblem).toMatch(/^rests on the EKS-created group .*EKS default: all traffic from itself/);
    expect(dns.fix).toMatch(/^give the node group S\/CNodegroup a security group of its own \(launch template SecurityGroupIds\), then add /);
  });

  test('aws-eks (v1) custom-resource clusters are modelled like native ones', () => {
    const resources = clusterOnEksCreatedGroup('C', VPC);
    resources.CCluster = {
      Type: 'Custom::AWSCDK-EKS-Cluster',
      Properties: { ServiceToken: 'arn', Config: { name: 'legacy', resourcesVpcConfig: { securityGroupIds: [groupId('CControlPlaneSg')] } } },
    };
    const report = evaluate(resources);
    expect(report.flows.map((f) => f.flowId)).toEqual(TABLE_FLOW_IDS);
    expect(report.flows.every((f) => f.allowedBefore && !f.allowedAfterReplay)).toBe(true);
  });

  test('an owned rule that trusts the EKS-created group as peer is lost in the replay', () => {
    const report = evaluate(clusterWith('NodesToControlPlaneHttps', {
      Trust: ingressRule(groupId('CControlPlaneSg'), eksCreatedGroupOf('CCluster'), { protocol: 'tcp', from: 443, to: 443 }),
      TrustNodes: launchTemplate([groupId('CNodeSg'), eksCreatedGroupOf('CCluster')]),
      CNodegroup: nodegroup('CCluster', 'TrustNodes'),
    }));
    const https = flow(report, 'NodesToControlPlaneHttps');
    expect(https).toMatchObject({ allowedBefore: true, allowedAfterReplay: false });
    expect(https.restsOn.filter((r) => r.direction === 'ingress').every((r) => r.onEksCreatedGroup)).toBe(true);
  });
});

describe('FlowModel: rule shapes', () => {
  test('inline ingress on the group counts the same as a standalone rule', () => {
    const resources = ownedCluster('C', VPC);
    delete resources.CNodesToNodesDnsTcpIn;
    const nodes = resources.CNodeSg.Properties!;
    nodes.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 53, ToPort: 53, SourceSecurityGroupId: groupId('CNodeSg') }];
    const dns = flow(evaluate(resources), 'NodesToNodesDnsTcp');
    expect(dns.allowedAfterReplay).toBe(true);
    expect(dns.restsOn.find((r) => r.direction === 'ingress')).toMatchObject({ logicalId: 'CNodeSg', inlineAt: 'SecurityGroupIngress[0]' });
  });

  test.each([
    ['0.0.0.0/0', true],
    ['10.0.0.0/16', true],
    ['10.0.0.0/8', true],
    ['10.0.1.0/24', false],
    ['192.168.0.0/16', false],
  ])('CIDR peer %s proves the flow: %s', (cidr, holds) => {
    const report = evaluate(clusterWith('ControlPlaneToNodesHttps', {
      Cidr: ingressRule(groupId('CNodeSg'), cidr, { protocol: 'tcp', from: 443, to: 443 }),
    }));
    expect(flow(report, 'ControlPlaneToNodesHttps').allowedAfterReplay).toBe(holds);
  });

  test('a VPC CIDR peer proves nothing when the VPC is not in the assembly', () => {
    const resources = clusterWith('ControlPlaneToNodesHttps', {
      Cidr: ingressRule(groupId('CNodeSg'), '10.0.0.0/16', { protocol: 'tcp', from: 443, to: 443 }),
    });
    const report = FlowModel.fromTemplates([{ stackName: 'S', template: template(resources) }]).evaluate();
    expect(flow(report, 'ControlPlaneToNodesHttps').allowedBefore).toBe(false);
  });

  test.each([['-1'], [-1]])('protocol %p covers tcp and udp on every port', (protocol) => {
    const resources = clusterWith('NodesToNodesDnsUdp', { All: ingressRule(groupId('CNodeSg'), groupId('CNodeSg'), { protocol }) });
    delete resources.CNodesToNodesDnsTcpIn;
    const report = evaluate(resources);
    expect(flow(report, 'NodesToNodesDnsUdp').allowedAfterReplay).toBe(true);
    expect(flow(report, 'NodesToNodesDnsTcp').restsOn.map((r) => r.logicalId)).toContain('All');
  });

  test('numeric protocol 17 is udp and does not cover tcp', () => {
    const report = evaluate(clusterWith('NodesToNodesDnsTcp', {
      Udp: ingressRule(groupId('CNodeSg'), groupId('CNodeSg'), { protocol: '17', from: 53, to: 53 }),
    }));
    expect(flow(report, 'NodesToNodesDnsTcp').allowedBefore).toBe(false);
  });

  test('port ranges: rules that together cover 1025-65535 prove the flow, a gap of one port does not', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.integer({ min: 1026, max: 65535 }), { maxLength: 6 }),
      fc.option(fc.integer({ min: 1025, max: 65535 }), { nil: undefined }),
      (cuts, gap) => {
        const bounds = [1025, ...[...cuts].sort((a, b) => a - b), 65536];
        const rules: Resources = {};
        bounds.slice(0, -1).forEach((from, i) => {
          const to = bounds[i + 1] - 1;
          const pieces: Array<[number, number]> = gap === undefined || gap < from || gap > to ? [[from, to]] : [[from, gap - 1], [gap + 1, to]];
          pieces.filter(([a, b]) => a <= b).forEach(([a, b], j) => {
            rules[`Part${i}x${j}`] = ingressRule(groupId('CNodeSg'), groupId('CNodeSg'), { protocol: 'tcp', from: a, to: b });
          });
        });
        const report = evaluate(clusterWith('NodesToNodesEphemeral', rules));
        expect(flow(report, 'NodesToNodesEphemeral').allowedBefore).toBe(gap === undefined);
      },
    ), { numRuns: 40 });
  });

  test('network-interface groups in the launch template are the nodes\' groups', () => {
    const resources = ownedCluster('C', VPC);
    resources.CLaunchTemplate = { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { NetworkInterfaces: [{ DeviceIndex: 0, Groups: [groupId('CNodeSg')] }] } } };
    expect(evaluate(resources).passed).toBe(true);
  });

  test('a self-managed Auto Scaling group tagged for the cluster is a node pool', () => {
    const resources = ownedCluster('C', VPC);
    delete resources.CNodegroup;
    resources.CCluster = eksCluster([groupId('CControlPlaneSg')], 'blue');
    resources.Asg = {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: {
        MinSize: '1', MaxSize: '2', LaunchConfigurationName: { Ref: 'Config' },
        Tags: [{ Key: 'kubernetes.io/cluster/blue', Value: 'owned', PropagateAtLaunch: true }],
      },
    };
    resources.Config = { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { SecurityGroups: [groupId('CNodeSg')] } };
    const report = evaluate(resources);
    expect(report.passed).toBe(true);
    expect(report.flows).toHaveLength(TABLE_FLOW_IDS.length);
  });
});

describe('FlowModel: data stores and load balancers', () => {
  test('a database trusted by the owned node group is reached before and after the replay on the engine port', () => {
    const report = evaluate({ ...ownedCluster('C', VPC), ...database('D', VPC, [groupId('CNodeSg')]) });
    const db = flow(report, 'NodesToDatabase');
    expect(db).toMatchObject({ destination: FlowRole.DATABASE, ports: '5432', allowedBefore: true, allowedAfterReplay: true, destinationLabel: 'S/DDb (AWS::RDS::DBInstance)' });
  });

  test('a database trusted only through the EKS-created group is lost in the replay', () => {
    const report = evaluate({ ...clusterOnEksCreatedGroup('C', VPC), ...database('D', VPC, [eksCreatedGroupOf('CCluster'), groupId('CControlPlaneSg')]) });
    const db = flow(report, 'NodesToDatabase');
    expect(db).toMatchObject({ allowedBefore: true, allowedAfterReplay: false });
    expect(db.restsOn.map((r) => r.logicalId)).toContain('DDbIngress0');
  });

  test('nodes with an egress rule to a database whose ingress rule is gone: the flow is required and missing', () => {
    const report = evaluate({ ...ownedCluster('C', VPC), ...database('D', VPC, []), CNodesToDb: egressRule(groupId('CNodeSg'), groupId('DDbSg'), { protocol: 'tcp', from: 5432, to: 5432 }) });
    expect(flow(report, 'NodesToDatabase')).toMatchObject({ ports: '5432', allowedBefore: false, destinationLabel: 'S/DDb (AWS::RDS::DBInstance)' });
    expect(report.passed).toBe(false);
  });

  test('a database that trusts none of the cluster\'s groups is not a flow of that cluster', () => {
    const report = evaluate({ ...ownedCluster('C', VPC), ...database('D', VPC, ['10.0.0.0/16']) });
    expect(report.flows.some((f) => f.flowId === 'NodesToDatabase')).toBe(false);
  });

  test('a cache without a port uses its engine default', () => {
    const resources = {
      ...ownedCluster('C', VPC),
      CacheSg: securityGroup(VPC),
      Cache: { Type: 'AWS::ElastiCache::ServerlessCache', Properties: { Engine: 'valkey', SecurityGroupIds: [groupId('CacheSg')] } },
      CacheIn: ingressRule(groupId('CacheSg'), groupId('CNodeSg'), { protocol: 'tcp', from: 6379, to: 6379 }),
    };
    expect(flow(evaluate(resources), 'NodesToCache')).toMatchObject({ ports: '6379', allowedAfterReplay: true });
  });

  test('a load balancer named as peer by a node rule gets a flow on that rule\'s ports', () => {
    const resources = {
      ...ownedCluster('C', VPC),
      LbSg: securityGroup(VPC, { egress: [{ IpProtocol: 'tcp', FromPort: 30000, ToPort: 32767, DestinationSecurityGroupId: groupId('CNodeSg') }] }),
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { SecurityGroups: [groupId('LbSg')] } },
      LbIn: ingressRule(groupId('CNodeSg'), groupId('LbSg'), { protocol: 'tcp', from: 30000, to: 32767 }),
    };
    expect(flow(evaluate(resources), 'LoadBalancerToNodes')).toMatchObject({
      source: FlowRole.LOAD_BALANCER, ports: '30000-32767', allowedBefore: true, allowedAfterReplay: true,
    });
  });
});

describe('FlowModel: across stacks', () => {
  test('Fn::ImportValue follows the export to the group in another stack', () => {
    const templates: StackTemplate[] = [
      { stackName: 'Net', template: template({ Vpc: vpc() }, { Outputs: { VpcId: { Value: { Ref: 'Vpc' }, Export: { Name: 'Net:VpcId' } } } }) },
      {
        stackName: 'Eks',
        template: template(ownedCluster('C', { 'Fn::ImportValue': 'Net:VpcId' }), { Outputs: {
          Nodes: { Value: groupId('CNodeSg'), Export: { Name: { 'Fn::Join': [':', ['Eks', 'NodeSg']] } } },
        } }),
      },
      { stackName: 'Data', template: template(database('D', { 'Fn::ImportValue': 'Net:VpcId' }, [{ 'Fn::ImportValue': 'Eks:NodeSg' }])) },
    ];
    const report = FlowModel.fromTemplates(templates).evaluate();
    expect(report.passed).toBe(true);
    expect(flow(report, 'NodesToDatabase').restsOn.find((r) => r.direction === 'ingress')).toMatchObject({ stack: 'Data', logicalId: 'DDbIngress0' });
  });

  test('nested stack parameters and outputs resolve through the parent', () => {
    const nested = ownedCluster('C', { Ref: 'VpcParam' });
    const templates: StackTemplate[] = [
      {
        stackName: 'Parent',
        template: template({ Vpc: vpc(), Inner: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'x', Parameters: { VpcParam: { Ref: 'Vpc' } } } },
          ...database('D', { Ref: 'Vpc' }, [{ 'Fn::GetAtt': ['Inner', 'Outputs.NodeSg'] }]) }),
      },
      {
        stackName: 'Inner', parentStackName: 'Parent', parentLogicalId: 'Inner',
        template: template(nested, { Parameters: { VpcParam: { Type: 'String' } }, Outputs: { NodeSg: { Value: groupId('CNodeSg') } } }),
      },
    ];
    const report = FlowModel.fromTemplates(templates).evaluate();
    expect(report.warnings).toEqual([]);
    expect(report.passed).toBe(true);
    expect(flow(report, 'NodesToDatabase').restsOn.map((r) => r.stack)).toEqual(expect.arrayContaining(['Parent', 'Parent/Inner']));
  });
});

describe('FlowModel: per-resource facts for the nag rules', () => {
  const model = (resources: Resources) => FlowModel.fromTemplates([{ stackName: 'S', template: template({ Vpc: vpc(), ...resources }) }]);

  test('rules on, or naming, the EKS-created group are known by the resource that writes them, whatever their ports', () => {
    const m = model({
      ...clusterOnEksCreatedGroup('C', VPC),
      Cache: securityGroup(VPC, { ingress: [{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, SourceSecurityGroupId: eksCreatedGroupOf('CCluster') }] }),
      OnEksCreated: ingressRule(eksCreatedGroupOf('CCluster'), groupId('Cache'), { protocol: 'tcp', from: 443, to: 443 }),
      NoPorts: egressRule(groupId('Cache'), eksCreatedGroupOf('CCluster'), { protocol: 'tcp' }),
      Owned: ingressRule(groupId('Cache'), groupId('CControlPlaneSg'), { protocol: 'tcp', from: 443, to: 443 }),
    });
    expect(['S/Cache', 'S/OnEksCreated', 'S/NoPorts', 'S/Owned', 'S/CCluster'].filter((r) => m.writesEksCreatedGroupRule(r)))
      .toEqual(['S/Cache', 'S/OnEksCreated', 'S/NoPorts']);
  });

  test('node group launch templates: none, by ID, by literal name, outside the assembly', () => {
    const m = model({
      ...clusterOnEksCreatedGroup('C', VPC),
      Owned: securityGroup(VPC),
      Template: launchTemplate([groupId('Owned'), eksCreatedGroupOf('CCluster')]),
      Named: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateName: 'nodes', LaunchTemplateData: { NetworkInterfaces: [{ Groups: ['sg-0123456789abcdef0'] }] } } },
      ById: nodegroup('CCluster', 'Template'),
      ByName: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: 'elsewhere', LaunchTemplate: { Name: 'nodes' } } },
      Missing: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: 'elsewhere', LaunchTemplate: { Id: 'lt-0123456789abcdef0' } } },
    });
    expect(m.nodegroupSecurityGroups('S/CNodegroup')).toEqual({ hasLaunchTemplate: false, launchTemplateFound: true, groups: [], carriesEksCreatedGroup: false });
    expect(m.nodegroupSecurityGroups('S/ById')).toEqual({
      hasLaunchTemplate: true, launchTemplateFound: true, groups: ['S/Owned', 'S/CCluster#ClusterSecurityGroupId'], carriesEksCreatedGroup: true,
    });
    expect(m.nodegroupSecurityGroups('S/ByName')?.groups).toEqual(['sg-0123456789abcdef0']);
    expect(m.nodegroupSecurityGroups('S/Missing')).toMatchObject({ hasLaunchTemplate: true, launchTemplateFound: false });
    expect(m.nodegroupSecurityGroups('S/Owned')).toBeUndefined();
    expect(m.nodegroupGroups.sort()).toEqual(['S/Owned', 'sg-0123456789abcdef0']);
  });

  test('data stores: the groups they carry and the groups their ingress rules admit (EKS defaults excluded)', () => {
    const m = model({
      ...clusterOnEksCreatedGroup('C', VPC),
      ...database('D', VPC, [eksCreatedGroupOf('CCluster'), groupId('CControlPlaneSg')]),
      OnEksCreated: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', VPCSecurityGroups: [eksCreatedGroupOf('CCluster')] } },
      Split: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', VPCSecurityGroups: { 'Fn::Split': [',', { Ref: 'AWS::StackName' }] } } },
    });
    expect(m.dataStoreSecurityGroups('S/DDb')).toEqual({
      groups: ['S/DDbSg'], carriesEksCreatedGroup: false,
      admittedGroups: ['S/CCluster#ClusterSecurityGroupId', 'S/CControlPlaneSg'], admitsEksCreatedGroup: true,
    });
    expect(m.dataStoreSecurityGroups('S/OnEksCreated')).toEqual({
      groups: ['S/CCluster#ClusterSecurityGroupId'], carriesEksCreatedGroup: true, admittedGroups: [], admitsEksCreatedGroup: false,
    });
    expect(m.unreadableReason('S/Split')).toMatch(/^security group list /);
    expect(m.unreadableReason('S/DDb')).toBeUndefined();
  });
});

describe('FlowModel: input it cannot fully read', () => {
  test('unresolvable references, unknown types and broken rules become warnings, never exceptions', () => {
    const resources: Resources = {
      ...ownedCluster('C', VPC),
      Odd: ingressRule({ 'Fn::If': ['Cond', 'sg-1', 'sg-2'] }, groupId('CNodeSg'), { protocol: 'tcp', from: 1, to: 1 }),
      NoPorts: ingressRule(groupId('CNodeSg'), groupId('CNodeSg'), { protocol: 'tcp' }),
      Lambda: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SecurityGroupIds: [groupId('CNodeSg')] } } },
      Typeless: { Properties: {} } as unknown as Resources[string],
      Ghost: ingressRule({ 'Fn::ImportValue': 'Nowhere:Sg' }, '0.0.0.0/0', { protocol: 'tcp', from: 1, to: 1 }),
    };
    const report = evaluate(resources);
    expect(report.passed).toBe(true);
    expect(report.warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^S\/Odd: security group not resolvable \(Fn::If is not evaluated\)/),
      expect.stringMatching(/^S\/NoPorts: ports undefined-undefined not resolvable/),
      expect.stringMatching(/^S\/Lambda: AWS::Lambda::Function carries security groups but is not modelled/),
      expect.stringMatching(/^S\/Typeless: resource has no Type/),
      expect.stringMatching(/^S\/Ghost: security group not resolvable \(Fn::ImportValue Nowhere:Sg: no stack in the assembly exports it\)/),
    ]));
  });

  test('arbitrary JSON in place of a template never throws', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (resources, props) => {
      const model = FlowModel.fromTemplates([
        { stackName: 'A', template: { Resources: resources } as { [key: string]: unknown } },
        { stackName: 'B', template: template({ X: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: props as { [key: string]: unknown } }, ...clusterOnEksCreatedGroup('C', VPC) }) },
      ]);
      expect(() => model.evaluate()).not.toThrow();
    }), { numRuns: 200 });
  });
});
