import { CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ISafeCluster } from './i-safe-cluster';
import { checkProps, checkValue, requireScope } from '../private/guards';

/** Properties of a `LoadBalancerControllerAccess`. */
export interface LoadBalancerControllerAccessProps {
  /** The cluster the controller runs in. */
  readonly cluster: ISafeCluster;
  /**
   * The target groups the controller may register the cluster's pods in through TargetGroupBindings
   * (for a blue-green pair: this color's own group, imported by ARN). More with `addTargetGroup`.
   */
  readonly targetGroups: elbv2.ITargetGroup[];
}

const TARGET_GROUP = { type: 'object', name: 'elbv2.ITargetGroup', members: ['targetGroupArn'] } as const;

/**
 * Credentials for the AWS Load Balancer Controller (`kube-system/aws-load-balancer-controller`) through
 * EKS Pod Identity: a role only the EKS Pod Identity service can assume, associated with that service
 * account, allowed to register and deregister targets in the given target groups and nothing else.
 * Nodes require IMDSv2 with hop limit 1, so the controller cannot borrow the node role instead.
 *
 * The policy covers TargetGroupBinding only: the controller may not create load balancers, target
 * groups or security-group rules (the rule from the balancer to the nodes is a CloudFormation rule of
 * `allowNodePortsFrom`, so a TargetGroupBinding must leave `spec.networking` out). The install values
 * (cluster name, region, VPC ID) are a stack output, `InstallValues`, for `helm install`.
 */
export class LoadBalancerControllerAccess extends Construct {
  /** The service account the association names; the Helm chart creates it with this name. */
  public static readonly SERVICE_ACCOUNT = 'aws-load-balancer-controller';
  /** Its namespace. */
  public static readonly NAMESPACE = 'kube-system';

  /** The controller's role. */
  public readonly role: iam.Role;
  /** The Pod Identity association of the role with `kube-system/aws-load-balancer-controller`. */
  public readonly association: eks.CfnPodIdentityAssociation;
  /** The Helm values as a JSON string (`clusterName`, `region`, `vpcId`, `serviceAccount`), also the `InstallValues` output. */
  public readonly installValues: string;
  private readonly registration: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: LoadBalancerControllerAccessProps) {
    super(requireScope('LoadBalancerControllerAccess', scope, id), id);
    checkProps(this, 'props', props, {
      cluster: { type: 'object', name: 'ISafeCluster (a SafeCluster or SafeCluster.fromSafeClusterAttributes)', required: true, members: ['clusterName', 'vpc'] },
      targetGroups: { type: 'array', name: 'array of elbv2.ITargetGroup', required: true, minItems: 1, items: TARGET_GROUP },
    });
    const { cluster } = props;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
      description: `AWS Load Balancer Controller of EKS cluster ${cluster.clusterName} (TargetGroupBinding only)`,
    });
    this.registration = new iam.PolicyStatement({
      sid: 'RegisterPodsInOwnTargetGroups',
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: props.targetGroups.map((g) => g.targetGroupArn),
    });
    // A customer-managed policy, not an inline one: it can be reviewed and attached on its own.
    new iam.ManagedPolicy(this, 'Policy', {
      description: `TargetGroupBinding of the AWS Load Balancer Controller in EKS cluster ${cluster.clusterName}`,
      roles: [this.role],
      statements: [
        this.registration,
        // The TargetGroupBinding webhook reads the group's target type and VPC; the reconciler reads its targets' health.
        new iam.PolicyStatement({
          sid: 'ReadTargetGroups',
          actions: ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'elasticloadbalancing:DescribeTargetGroups and DescribeTargetHealth support no resource-level permissions (Service Authorization Reference); '
        + 'RegisterTargets and DeregisterTargets are limited to the given target groups.',
    });
    this.association = new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: cluster.clusterName,
      namespace: LoadBalancerControllerAccess.NAMESPACE,
      serviceAccount: LoadBalancerControllerAccess.SERVICE_ACCOUNT,
      roleArn: this.role.roleArn,
    });
    const stack = Stack.of(this);
    this.installValues = stack.toJsonString({
      clusterName: cluster.clusterName,
      region: stack.region,
      vpcId: cluster.vpc.vpcId,
      serviceAccount: { create: true, name: LoadBalancerControllerAccess.SERVICE_ACCOUNT },
    });
    new CfnOutput(this, 'InstallValues', {
      value: this.installValues,
      description: 'Helm values of eks/aws-load-balancer-controller for this cluster (credentials come from EKS Pod Identity)',
    });
  }

  /** Lets the controller register targets in one more target group. */
  public addTargetGroup(targetGroup: elbv2.ITargetGroup): void {
    checkValue(this, 'addTargetGroup: targetGroup', targetGroup, { ...TARGET_GROUP, required: true });
    this.registration.addResources(targetGroup.targetGroupArn);
  }
}
