import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ClusterGuardrailsOptions, SafeCluster } from '../../lib';
import { testStack, testVpc } from '../helpers';

/** A SafeCluster with a node group, and a target group imported as a pair color imports its own. */
export function guardedCluster(options: ClusterGuardrailsOptions = {}, stack: Stack = testStack()) {
  const vpc = testVpc(stack);
  const cluster = new SafeCluster(stack, 'Cluster', {
    clusterName: 'payments-blue', version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0,
    adminRoles: [],
  });
  cluster.addNodegroup('General', { instanceTypes: [new ec2.InstanceType('m6i.large')], minSize: 2, desiredSize: 2, maxSize: 4 });
  const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'TargetGroup', {
    targetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/payments-blue/0123456789abcdef`,
    loadBalancerArns: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/payments/fedcba9876543210',
  });
  const guardrails = cluster.addGuardrails({ targetGroup, ...options });
  return { stack, vpc, cluster, targetGroup, guardrails };
}
