import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { FlowCategory, FlowRole, RequiredFlow, RequiredFlows, SafeCluster } from '../../../../lib';
import { EksClusterRequiredFlowsOwned } from '../../../../lib/checks/nag/rules';
import { testApp, testStack, testVpc } from '../../../helpers';
import { SUBNETS, VERSION, l1Cluster, l1Nodegroup, plainV2Cluster, reports, v1Cluster } from '../utils';

const rule = EksClusterRequiredFlowsOwned;
/** How CDK writes "no egress at all": an ICMP rule no packet matches, so EC2's default egress is gone. */
const NO_EGRESS = { ipProtocol: 'icmp', cidrIp: '255.255.255.255/32', fromPort: 252, toPort: 86 };

function findings(path: string, flows: RequiredFlow[]): string[] {
  return flows.map((flow) => `${path} [Flow::${flow.id}]`).sort();
}

/**
 * An L1 cluster, its control-plane group, a node group with a launch template and its node group, and
 * a standalone ingress and egress rule for every flow of the table except those in `omit`
 * (`<flow id>:ingress` or `<flow id>:egress`).
 */
function ownedL1Cluster(stack: Stack, omit: string[] = []): void {
  const group = (id: string) => new ec2.CfnSecurityGroup(stack, id, { groupDescription: id, vpcId: 'vpc-1', securityGroupEgress: [NO_EGRESS] });
  const groups = { [FlowRole.CONTROL_PLANE]: group('ControlPlane'), [FlowRole.NODES]: group('Nodes') } as { [role: string]: ec2.CfnSecurityGroup };
  for (const flow of RequiredFlows.all()) {
    const ports = { ipProtocol: flow.protocol, fromPort: flow.fromPort, toPort: flow.toPort };
    const [source, destination] = [groups[flow.source].attrGroupId, groups[flow.destination].attrGroupId];
    if (!omit.includes(`${flow.id}:ingress`)) {
      new ec2.CfnSecurityGroupIngress(stack, `${flow.id}Ingress`, { ...ports, groupId: destination, sourceSecurityGroupId: source });
    }
    if (!omit.includes(`${flow.id}:egress`)) {
      new ec2.CfnSecurityGroupEgress(stack, `${flow.id}Egress`, { ...ports, groupId: source, destinationSecurityGroupId: destination });
    }
  }
  const cluster = l1Cluster(stack, 'L1Cluster', {
    resourcesVpcConfig: { subnetIds: SUBNETS, securityGroupIds: [groups[FlowRole.CONTROL_PLANE].attrGroupId] },
  });
  const template = new ec2.CfnLaunchTemplate(stack, 'Template', {
    launchTemplateData: { securityGroupIds: [groups[FlowRole.NODES].attrGroupId] },
  });
  l1Nodegroup(stack, 'Nodegroup', { clusterName: cluster.ref, launchTemplate: { id: template.ref, version: template.attrLatestVersionNumber } });
}

describe('EksClusterRequiredFlowsOwned: every required control plane <-> node flow is an owned ingress and egress rule', () => {
  test('Noncompliance 1: L2 aws-eks-v2 cluster with a node group on the EKS-created group misses every flow', () => {
    const stack = testStack();
    plainV2Cluster(stack, testVpc(stack)).addNodegroupCapacity('Plain');
    expect(reports(stack, rule)).toEqual(findings('Test/Cluster/Resource', RequiredFlows.all()));
  });

  test('Noncompliance 2: node group in another stack, judged after synthesis turned references into exports', () => {
    const app = testApp();
    const clusterStack = testStack(app, 'ClusterStack');
    const cluster = plainV2Cluster(clusterStack, testVpc(clusterStack));
    new eks.Nodegroup(testStack(app, 'NodesStack'), 'Nodes', { cluster });
    app.synth();
    expect(reports(app, rule)).toEqual(findings('ClusterStack/Cluster/Resource', RequiredFlows.all()));
  });

  test('Noncompliance 3: a cluster that records no intent (its record stripped) must hold the whole table', () => {
    const stack = testStack();
    const safe = new SafeCluster(stack, 'Safe', { version: VERSION, vpc: testVpc(stack), webhookFlows: false, defaultCapacity: 1 });
    // Issue 7: the pack once reported these for every SafeCluster with webhookFlows: false; now only the record's absence does.
    (safe.cluster.node.defaultChild as eks.CfnCluster).cfnOptions.metadata = {};
    expect(reports(stack, rule)).toEqual(
      findings('Test/Safe/Cluster/Resource', RequiredFlows.all().filter((f) => f.category === FlowCategory.WEBHOOK)));
  });

  test('Noncompliance 4: L1 rules with one egress half and one ingress half missing', () => {
    const stack = testStack();
    ownedL1Cluster(stack, ['NodesToControlPlaneHttps:egress', 'NodesToNodesDnsUdp:ingress']);
    expect(reports(stack, rule)).toEqual([
      'Test/L1Cluster [Flow::NodesToControlPlaneHttps]',
      'Test/L1Cluster [Flow::NodesToNodesDnsUdp]',
    ]);
  });

  test('Noncompliance 5: L2 aws-eks (v1) cluster whose default managed node group carries the EKS-created group', () => {
    const stack = testStack();
    v1Cluster(stack, testVpc(stack), { defaultCapacity: 1 });
    expect(reports(stack, rule)).toEqual(findings('Test/V1Cluster/Resource/Resource/Default', RequiredFlows.all()));
  });

  test('Compliance', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    new SafeCluster(stack, 'WithNodes', { version: VERSION, vpc, defaultCapacity: 1 }).addNodegroup('Extra');
    new SafeCluster(stack, 'NoNodesYet', { version: VERSION, vpc, defaultCapacity: 0 });
    // Its recorded intent leaves the webhook flows out, so their absence is no finding.
    new SafeCluster(stack, 'NoWebhooks', { version: VERSION, vpc, defaultCapacity: 1, webhookFlows: false });
    ownedL1Cluster(stack);
    // Nodes that join from outside the app (or Karpenter) leave no node side to prove here.
    l1Cluster(stack, 'NoNodePool');
    expect(reports(stack, rule)).toEqual([]);
  });
});
