import { Aspects, CfnDeletionPolicy, CfnResource, IAspect, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** What a stack delete removes before it reaches the cluster, and what a cluster is useless without. */
const DEPENDENT_TYPES = new Set(['AWS::EKS::Nodegroup', 'AWS::EKS::AccessEntry', 'AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation']);

/**
 * While the cluster is deletion-protected, a stack delete would delete its node groups, access
 * entries and add-ons and then fail on the cluster: DELETE_FAILED, a cluster with no nodes and no
 * admin. So those resources get `DeletionPolicy: Retain` while protection is on and `Delete` once it
 * is off (step 1 of retiring a cluster turns both off in one deploy). `UpdateReplacePolicy` is left
 * alone: a node group replaced by a change must not leave the old one running.
 */
export function keepDependentsWhileProtected(cluster: IConstruct, deletionProtection: boolean): void {
  Aspects.of(cluster).add(new DependentDeletionPolicy(deletionProtection ? CfnDeletionPolicy.RETAIN : CfnDeletionPolicy.DELETE));
}

class DependentDeletionPolicy implements IAspect {
  constructor(private readonly policy: CfnDeletionPolicy) {}

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || !DEPENDENT_TYPES.has(node.cfnResourceType)) return;
    node.cfnOptions.deletionPolicy = this.policy;
    if (this.policy === CfnDeletionPolicy.RETAIN) {
      Validations.of(node).acknowledge({
        id: 'CloudFormation-Validate::W3011',
        reason: 'UpdateReplacePolicy stays Delete on purpose: a replaced node group or access entry must not linger beside its successor. '
          + 'DeletionPolicy Retain only keeps it through a stack delete while the cluster is deletion-protected.',
      });
    }
  }
}
