import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { SECURITY_GROUP_RULE_TYPES, securityGroupRules } from '../private/security-groups';

/**
 * No security-group rule (inline on a group, or a standalone ingress/egress resource) names the
 * group EKS created for a cluster, as its peer or as the group it is written on.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (!SECURITY_GROUP_RULE_TYPES.includes(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const trusting = securityGroupRules(node).some((rule) => rule.group.clusterCreated || rule.peer?.clusterCreated);
    return trusting ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
