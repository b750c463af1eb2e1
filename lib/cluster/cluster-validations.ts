import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct, IValidation } from 'constructs';
import { PAIR_COLOR_METADATA_KEY } from '../model/intent';
import { renderElement } from '../private/cdk-internals';
import { formatProblem } from '../private/errors';

/** Fargate profiles created through `SafeCluster.addFargateProfile`, which warns for them already. */
const announcedFargateProfiles = new WeakSet<IConstruct>();

/** Records that the profile's warning was given where it was created. */
export function announceFargateProfile(profile: IConstruct): void {
  announcedFargateProfiles.add(profile);
}

/**
 * Facts about a SafeCluster that only the finished construct tree shows: what was added to the
 * underlying aws-eks-v2 cluster through `cluster.cluster` or the L1 escape hatch, and clashes with
 * other clusters of the app. Errors use the library's `path: problem Got: value. Fix: fix` form.
 */
export class ClusterTreeValidation implements IValidation {
  constructor(
    private readonly scope: IConstruct,
    private readonly eksCluster: eks.Cluster,
  ) {}

  public validate(): string[] {
    this.warnAboutUnannouncedFargateProfiles();
    return [...this.duplicateNames(), ...this.autoScalingGroups(), ...this.autoMode()];
  }

  // EKS cluster names are unique per account and region: the second CreateCluster fails at deploy.
  private duplicateNames(): string[] {
    const name = clusterNameOf(this.eksCluster);
    const env = envOf(this.eksCluster);
    if (name === undefined || env === undefined) return [];
    return this.scope.node.root.node.findAll()
      .filter((c): c is eks.Cluster => c instanceof eks.Cluster && c !== this.eksCluster && clusterNameOf(c) === name && envOf(c) === env)
      .map((other) => formatProblem(this.scope,
        `Another EKS cluster in the same account and region has the cluster name ${JSON.stringify(name)}; EKS cluster names are unique per account and region, so the second deploy fails.`,
        `${other.node.path} named ${JSON.stringify(name)} in ${env}`, nameClashFix(this.eksCluster, other)));
  }

  // Self-managed capacity from the aws-eks-v2 cluster carries the EKS-created group, and SafeCluster writes no rule for it.
  private autoScalingGroups(): string[] {
    return this.eksCluster.node.findAll()
      .filter((c): c is autoscaling.AutoScalingGroup => c instanceof autoscaling.AutoScalingGroup)
      .map((asg) => formatProblem(asg,
        'This Auto Scaling group was attached to the cluster through cluster.cluster.addAutoScalingGroupCapacity, so its nodes carry the EKS-created cluster security group instead of the owned node security group.',
        'a self-managed Auto Scaling group', `create managed nodes with ${this.scope.node.path}.addNodegroup(id, options)`));
  }

  // Auto Mode nodes carry the EKS-created group; SafeCluster turns it off, so ComputeConfig.Enabled came from an override.
  private autoMode(): string[] {
    const cfnCluster = this.eksCluster.node.defaultChild as CfnResource;
    const enabled = Object.values(renderElement(cfnCluster).Resources ?? {})
      .some((r) => (r.Properties?.ComputeConfig as { Enabled?: unknown } | undefined)?.Enabled === true);
    return enabled ? [formatProblem(cfnCluster,
      'EKS Auto Mode is turned on through the L1 escape hatch; Auto Mode nodes carry the EKS-created cluster security group, whose rules an upgrade can rewrite.',
      'ComputeConfig.Enabled: true', 'remove the override of ComputeConfig and add managed node groups with addNodegroup')] : [];
  }

  private warnAboutUnannouncedFargateProfiles(): void {
    for (const profile of this.eksCluster.node.findAll().filter((c) => c instanceof eks.FargateProfile && !announcedFargateProfiles.has(c))) {
      Annotations.of(profile).addWarningV2('cdk-safe-eks:fargateUsesClusterSecurityGroup',
        `Fargate profile ${profile.node.path} was added through cluster.cluster.addFargateProfile: Fargate pods always use the EKS-created cluster security group, `
        + 'whose rules EKS manages and can change on a cluster upgrade. Prefer a node group (addNodegroup) for workloads that must survive upgrades.');
      announceFargateProfile(profile);
    }
  }
}

/**
 * A blue-green pair names its clusters `<namePrefix>-<color>[-<version>]`, with `namePrefix` defaulting to
 * the pair's ID: two pairs with one ID in one account and region (two Stages in one environment) clash,
 * and the pair's option is `namePrefix`, since it sets no `clusterName`.
 */
function nameClashFix(cluster: eks.Cluster, other: eks.Cluster): string {
  const inPair = (c: eks.Cluster) => (c.node.defaultChild as eks.CfnCluster).getMetadata(PAIR_COLOR_METADATA_KEY) !== undefined;
  if (!inPair(cluster) && !inPair(other)) return 'give each cluster its own `clusterName`';
  const plain = [cluster, other].find((c) => !inPair(c));
  return 'give each BlueGreenClusterPair in this account and region its own `namePrefix` (its clusters are named <namePrefix>-<color>, and it defaults to the pair\'s ID in lowercase)'
    + (plain === undefined ? '' : `, or ${plain.node.path} its own \`clusterName\``);
}

function clusterNameOf(cluster: eks.Cluster): string | undefined {
  const name = (cluster.node.defaultChild as eks.CfnCluster | undefined)?.name;
  return typeof name === 'string' && !Token.isUnresolved(name) ? name : undefined;
}

function envOf(construct: IConstruct): string | undefined {
  const { account, region } = Stack.of(construct);
  return Token.isUnresolved(account) || Token.isUnresolved(region) ? undefined : `${account}/${region}`;
}
