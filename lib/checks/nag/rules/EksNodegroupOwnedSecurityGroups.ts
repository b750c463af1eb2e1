import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { NODEGROUP_TYPE, launchTemplateGroups } from '../private/managed-nodegroups';

/**
 * A managed node group's nodes carry only security groups the stack owns: it has a launch template,
 * the template names at least one group, and none of them is the group EKS created for the cluster.
 * Findings: `NoLaunchTemplate`, `LaunchTemplateWithoutSecurityGroups`, `LaunchTemplateCarriesClusterSecurityGroup`.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== NODEGROUP_TYPE) return NagRuleCompliance.NOT_APPLICABLE;
    const groups = launchTemplateGroups(node);
    if (groups === undefined) return ['NoLaunchTemplate'];
    if (groups.length === 0) return ['LaunchTemplateWithoutSecurityGroups'];
    if (groups.some((g) => g.clusterCreated)) return ['LaunchTemplateCarriesClusterSecurityGroup'];
    return NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
