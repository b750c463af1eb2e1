import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { resolvedList, resolvedProperties } from '../private/cfn';
import { ownedNodeGroupKeys } from '../private/managed-nodegroups';
import { RuleDirection, appSecurityGroupRules, identifyGroup } from '../private/security-groups';
import { DATA_STORES } from '../../attachments';

/**
 * A database or cache does not depend on the group EKS created for a cluster. Findings:
 * `CarriesClusterSecurityGroup` when the store itself is in that group; `ReachableOnlyThroughClusterSecurityGroup`
 * when its groups admit the EKS-created group but no owned node group (a managed node group's
 * launch-template group), so the nodes reach it only through rules EKS may rewrite.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    const property = DATA_STORES[node.cfnResourceType]?.property;
    if (property === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const storeGroups = resolvedList(node, resolvedProperties(node)[property], property).map((g) => identifyGroup(stack, g));
    const findings: string[] = [];
    if (storeGroups.some((g) => g.clusterCreated)) findings.push('CarriesClusterSecurityGroup');

    const storeKeys = new Set(storeGroups.map((g) => g.key));
    const sources = appSecurityGroupRules(node)
      .filter((rule) => rule.direction === RuleDirection.INGRESS && storeKeys.has(rule.group.key))
      .flatMap((rule) => (rule.peer ? [rule.peer] : []));
    if (sources.some((s) => s.clusterCreated)) {
      const nodeKeys = ownedNodeGroupKeys(node);
      if (!sources.some((s) => nodeKeys.has(s.key))) findings.push('ReachableOnlyThroughClusterSecurityGroup');
    }
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
