import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceType } from '../../../model/resource-types';
import { SafeEksError, show } from '../../../private/errors';
import { appFlowModel, flowModelKey } from '../private/app-templates';
import { resolvedProperties, unknownAtSynth } from '../private/cfn';

/**
 * A managed node group's nodes carry only security groups the stack owns: it has a launch template,
 * the template names at least one group, and none of them is the group EKS created for the cluster.
 * Findings: `NoLaunchTemplate`, `LaunchTemplateWithoutSecurityGroups`, `LaunchTemplateCarriesClusterSecurityGroup`.
 * A template outside the app, or a group list known only at deploy time, throws: what the nodes carry
 * cannot be known at synth, and cdk-nag then reports the rule as unable to evaluate.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== ResourceType.EKS_NODEGROUP) return NagRuleCompliance.NOT_APPLICABLE;
    const model = appFlowModel(node);
    const key = flowModelKey(node);
    // The model reads every AWS::EKS::Nodegroup of the app's templates, this one included.
    const nodegroup = model.nodegroupSecurityGroups(key)!;
    if (!nodegroup.hasLaunchTemplate) return ['NoLaunchTemplate'];
    if (!nodegroup.launchTemplateFound) {
      throw new SafeEksError(node, 'LaunchTemplateOutsideApp', 'its launch template is not defined in this app, so the security groups on its nodes are unknown.',
        show(resolvedProperties(node).LaunchTemplate), 'define the launch template in the app (SafeNodegroup makes one), so that the check can read its groups');
    }
    const unreadable = model.unreadableReason(key);
    if (unreadable !== undefined) throw unknownAtSynth(node, `launch template ${unreadable}`);
    if (nodegroup.groups.length === 0) return ['LaunchTemplateWithoutSecurityGroups'];
    if (nodegroup.carriesEksCreatedGroup) return ['LaunchTemplateCarriesClusterSecurityGroup'];
    return NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
