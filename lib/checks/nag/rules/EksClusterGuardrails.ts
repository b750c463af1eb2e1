import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { EKS_CLUSTER_TYPES } from '../../../model/resource-types';
import { appGuardrailCoverage, flowModelKey } from '../private/app-templates';

/**
 * The EKS cluster (aws-eks-v2, L1 or aws-eks) has run-time guardrails in the app: an enabled EventBridge
 * rule on EC2 calls whose pattern names its EKS-created group and every control-plane group
 * (`SecurityGroupChanges`), and one on EKS calls whose pattern names the cluster (`ClusterChanges`).
 * `ClusterGuardrails` (or `SafeCluster.addGuardrails`) writes both; any rule that does counts.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (!EKS_CLUSTER_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const gaps = appGuardrailCoverage(node).gaps(flowModelKey(node));
    return gaps.length === 0 ? NagRuleCompliance.COMPLIANT : gaps;
  },
  'name', { value: parse(__filename).name },
);
