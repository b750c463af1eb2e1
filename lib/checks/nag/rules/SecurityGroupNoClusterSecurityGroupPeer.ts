import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { SECURITY_GROUP_RULE_TYPES } from '../../../model/resource-types';
import { appFlowModel, flowModelKey } from '../private/app-templates';
import { unknownAtSynth } from '../private/cfn';


/**
 * No security-group rule (inline on a group, or a standalone ingress/egress resource) names the
 * group EKS created for a cluster, as its peer or as the group it is written on. The flow model
 * follows the references (exports, nested-stack parameters and outputs); a rule list known only at
 * deploy time throws, so cdk-nag reports the rule as unable to evaluate, never as a silent pass.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (!SECURITY_GROUP_RULE_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const model = appFlowModel(node);
    const key = flowModelKey(node);
    if (model.writesEksCreatedGroupRule(key)) return NagRuleCompliance.NON_COMPLIANT;
    const unreadable = model.unreadableReason(key);
    if (unreadable !== undefined) throw unknownAtSynth(node, unreadable);
    return NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
