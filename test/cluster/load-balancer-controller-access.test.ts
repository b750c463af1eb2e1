import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { LoadBalancerControllerAccess, SafeCluster } from '../../lib';
import { SafeEksError } from '../../lib/private/errors';
import { testApp, testStack, testVpc } from '../helpers';

const BLUE_TG = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/payments-blue/0123456789abcdef';
const GREEN_TG = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/payments-green/fedcba9876543210';

function setup() {
  const app = testApp();
  const stack = testStack(app);
  const cluster = new SafeCluster(stack, 'Safe', { version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'payments-blue', defaultCapacity: 0 });
  // A pair color imports its own target group by ARN.
  const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'BlueTargetGroup', { targetGroupArn: BLUE_TG });
  return { app, stack, cluster, targetGroup };
}

describe('AWS Load Balancer Controller access', () => {
  test('a role only EKS Pod Identity assumes, associated with kube-system/aws-load-balancer-controller', () => {
    const { stack, cluster, targetGroup } = setup();
    const access = cluster.enableLoadBalancerController([targetGroup]);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' } }] },
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'payments-blue', Namespace: 'kube-system', ServiceAccount: 'aws-load-balancer-controller',
      RoleArn: { 'Fn::GetAtt': [stack.getLogicalId(access.role.node.defaultChild as never), 'Arn'] },
    });
  });

  test('the policy registers and deregisters targets in the given target group only, and may only read the rest', () => {
    const { stack, cluster, targetGroup } = setup();
    cluster.enableLoadBalancerController([targetGroup]);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Sid: 'RegisterPodsInOwnTargetGroups', Effect: 'Allow', Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], Resource: BLUE_TG },
      { Sid: 'ReadTargetGroups', Effect: 'Allow', Action: ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'], Resource: '*' },
    ]);
    // Every action that is not read-only names a resource: nothing creates balancers, groups or security-group rules.
    const writes = statements.filter((s) => (s.Action as string[]).some((a) => !/:Describe/.test(a)));
    expect(writes.every((s) => s.Resource !== '*')).toBe(true);
  });

  test('calling it again (or addTargetGroup) adds a target group to the same role', () => {
    const { stack, cluster, targetGroup } = setup();
    const first = cluster.enableLoadBalancerController([targetGroup]);
    const green = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'GreenTargetGroup', { targetGroupArn: GREEN_TG });
    expect(cluster.enableLoadBalancerController([green])).toBe(first);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'RegisterPodsInOwnTargetGroups', Resource: [BLUE_TG, GREEN_TG] })]) },
    });
    Template.fromStack(stack).resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
  });

  test('the install values (cluster name, region, VPC ID) are an output', () => {
    const { stack, cluster, targetGroup } = setup();
    const access = new LoadBalancerControllerAccess(stack, 'Controller', { cluster, targetGroups: [targetGroup] });
    const outputs = Template.fromStack(stack).findOutputs('*', { Description: Match.stringLikeRegexp('Helm values of eks/aws-load-balancer-controller') });
    expect(Object.keys(outputs)).toHaveLength(1);
    const value = JSON.stringify(Object.values(outputs)[0].Value);
    expect(value).toContain('payments-blue');
    expect(value).toContain('eu-west-1');
    expect(value).toContain(stack.getLogicalId(cluster.vpc.node.defaultChild as never));
    expect(value).toContain('aws-load-balancer-controller');
    expect(access.installValues).toBeDefined();
  });

  test('no target group, or something that is not one, is refused', () => {
    const { stack, cluster } = setup();
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as SafeEksError).code;
      }
      return 'no error';
    };
    expect(refusal(() => cluster.enableLoadBalancerController([]))).toBe('TooFewItems');
    expect(refusal(() => new LoadBalancerControllerAccess(stack, 'X', { cluster, targetGroups: [{} as elbv2.ITargetGroup] }))).toBe('PropType');
  });

  test('cdk-nag AwsSolutions, HIPAA and NIST 800-53: nothing without a reasoned acknowledgement', () => {
    const { app, stack, cluster, targetGroup } = setup();
    cluster.enableLoadBalancerController([targetGroup]);
    for (const pack of [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app)]) {
      const findings = pack.validateScope(stack).violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').includes('LoadBalancerController')));
      expect(findings.map((v) => v.ruleName)).toEqual([]);
    }
  });
});
