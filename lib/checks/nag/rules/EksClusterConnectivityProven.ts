import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { EKS_CLUSTER_TYPES } from '../../../model/resource-types';
import { appFlowModel, flowModelKey } from '../private/app-templates';

/**
 * Something about the EKS cluster was proven: the app holds a node group, self-managed nodes, Auto Mode
 * or a Fargate profile of it (or, for a `SafeCluster`, the owned node group it records), so its flows
 * could be evaluated. Zero proven flows is never a pass. Acknowledged in the cluster's recorded intent,
 * or with `Validations.of(cluster).acknowledge`, when the cluster's compute lives outside the app.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (!EKS_CLUSTER_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const report = appFlowModel(node).evaluate({ clusters: [flowModelKey(node)] });
    return report.unproven.some((u) => u.acknowledged === undefined) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
