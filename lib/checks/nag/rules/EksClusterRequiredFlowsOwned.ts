import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { resolvedList } from '../private/cfn';
import { eksClusterSettings } from '../private/eks-cluster';
import { nodegroupsOfCluster, ownedNodeGroups } from '../private/managed-nodegroups';
import { controlPlaneFlows, missingRequiredFlows } from '../private/required-flow-evaluator';
import { appSecurityGroupRules, identifyGroup } from '../private/security-groups';

/**
 * Every flow of the required-flow table holds between an EKS cluster's additional (owned) control-plane
 * groups and the owned launch-template groups of each of its managed node groups, as an owned ingress
 * rule plus an owned egress rule. One finding per missing flow, `Flow::<flow id>`. A node group whose
 * nodes carry no owned group makes every node flow missing for it. With no managed node group in the
 * app (self-managed nodes, or nodes in another app), only the control-plane side is checked: a cluster
 * without an owned control-plane group misses every control-plane flow.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    const settings = eksClusterSettings(node);
    if (!settings) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const controlPlane = resolvedList(node, settings.securityGroupIds, 'SecurityGroupIds')
      .map((g) => identifyGroup(stack, g)).filter((g) => !g.clusterCreated);
    const nodeSets = nodegroupsOfCluster(node, settings.name).map(ownedNodeGroups);
    const rules = appSecurityGroupRules(node);
    const missing = nodeSets.length > 0
      ? nodeSets.flatMap((nodes) => missingRequiredFlows(rules, { controlPlane, nodes }))
      : (controlPlane.length > 0 ? [] : controlPlaneFlows());
    const ids = [...new Set(missing.map((flow) => flow.id))];
    return ids.length > 0 ? ids.map((id) => `Flow::${id}`) : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
