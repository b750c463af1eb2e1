import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { DATA_STORES } from '../../../model/resource-types';
import { appFlowModel, flowModelKey } from '../private/app-templates';
import { unknownAtSynth } from '../private/cfn';

/**
 * A database or cache does not depend on the group EKS created for a cluster. Findings:
 * `CarriesClusterSecurityGroup` when the store itself is in that group; `ReachableOnlyThroughClusterSecurityGroup`
 * when its groups admit the EKS-created group but no owned node group (a managed node group's
 * launch-template group), so the nodes reach it only through rules EKS may rewrite.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (DATA_STORES[node.cfnResourceType] === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const model = appFlowModel(node);
    const key = flowModelKey(node);
    const unreadable = model.unreadableReason(key);
    if (unreadable !== undefined) throw unknownAtSynth(node, unreadable);
    // The model reads every data store of the app's templates, this one included.
    const store = model.dataStoreSecurityGroups(key)!;
    const findings: string[] = [];
    if (store.carriesEksCreatedGroup) findings.push('CarriesClusterSecurityGroup');
    const nodeGroups = new Set(model.nodegroupGroups);
    if (store.admitsEksCreatedGroup && !store.admittedGroups.some((g) => nodeGroups.has(g))) {
      findings.push('ReachableOnlyThroughClusterSecurityGroup');
    }
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
