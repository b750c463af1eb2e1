import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ControlPlaneTraffic, SafeCluster } from '../../lib';
import { testApp, testStack, testVpc } from '../helpers';

function safeCluster(options: { webhookFlows?: boolean; controlPlaneTraffic?: ControlPlaneTraffic } = {}) {
  const app = testApp();
  const stack = testStack(app);
  const cluster = new SafeCluster(stack, 'Payments', {
    clusterName: 'payments-blue', version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), defaultCapacity: 0, ...options,
  });
  const nodegroup = cluster.addNodegroup('General', { instanceTypes: [new ec2.InstanceType('m6i.large')] });
  // Findings of the always-on CloudFormation validator are not what these tests are about.
  Validations.of(app).acknowledge({ id: 'CloudFormation-Validate::W9009', reason: 'test' });
  return { app, cluster, nodegroup };
}

/** Removes the standalone rule SafeCluster wrote for one flow on one side. */
function removeRule(cluster: SafeCluster, flowId: string, type: typeof ec2.CfnSecurityGroupIngress | typeof ec2.CfnSecurityGroupEgress) {
  const rule = cluster.node.findAll().find((c) => c instanceof type && (c as ec2.CfnSecurityGroupIngress).description?.includes(`${flowId}:`))!;
  rule.node.scope!.node.tryRemoveChild(rule.node.id);
}

describe('SafeCluster synth-time connectivity proof', () => {
  test('the owned rules prove every required flow: synthesis succeeds', () => {
    expect(() => safeCluster().app.synth()).not.toThrow();
  });

  test('a missing owned rule fails synthesis, naming the flow, the groups and the rule to add', () => {
    // NARROW: under the default ALL_TCP the all-TCP rule would still carry 10250.
    const { app, cluster } = safeCluster({ controlPlaneTraffic: ControlPlaneTraffic.NARROW });
    removeRule(cluster, 'ControlPlaneToNodesKubelet', ec2.CfnSecurityGroupIngress);
    expect(() => app.synth()).toThrow(new RegExp([
      'Test/Payments: Required flow ControlPlaneToNodesKubelet \\(control plane of Test/PaymentsCluster\\w+ -> nodes tcp 10250\\) is not allowed by any rule\\.',
      ' Got: no ingress rule on \\[Test/PaymentsNodeSecurityGroup\\w+\\] admits tcp 10250 from \\[Test/PaymentsControlPlaneSecurityGroup\\w+, Test/PaymentsCluster\\w+#ClusterSecurityGroupId\\]',
      ' or from a CIDR containing the VPC\\. Fix: add an AWS::EC2::SecurityGroupIngress on Test/PaymentsNodeSecurityGroup\\w+ from Test/PaymentsControlPlaneSecurityGroup\\w+ tcp 10250',
    ].join('')));
  });

  test('a missing webhook rule is not required when webhook flows are off', () => {
    const { app, cluster } = safeCluster({ webhookFlows: false });
    expect(cluster.node.findAll().some((c) => c instanceof ec2.CfnSecurityGroupIngress && c.description?.includes('Webhook'))).toBe(false);
    expect(() => app.synth()).not.toThrow();
  });

  test('nodes moved onto the EKS-created group fail synthesis: every flow holds only through it', () => {
    const { app, cluster, nodegroup } = safeCluster();
    (nodegroup.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)
      .addPropertyOverride('LaunchTemplateData.SecurityGroupIds', [cluster.cluster.clusterSecurityGroupId]);
    expect(() => app.synth()).toThrow(/Required flow NodesToNodesDnsUdp \(nodes -> nodes udp 53\) holds only through the EKS-created cluster security group, whose rules an EKS upgrade can rewrite \(the 2021-01-11 incident\)\. Got: rests on the EKS-created group .* Fix: give the node group Test\/PaymentsGeneral\w+ a security group of its own/);
  });
});
