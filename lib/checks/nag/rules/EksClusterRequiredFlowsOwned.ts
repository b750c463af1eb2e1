import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { RequiredFlows } from '../../../model/required-flows';
import { eksClusterShape } from '../../../model/security-group-graph';
import { appFlowModel, flowModelKey } from '../private/app-templates';

/**
 * Every flow of the required-flow table holds between an EKS cluster's control plane (`AWS::EKS::Cluster`, or
 * aws-eks v1's `Custom::AWSCDK-EKS-Cluster`) and each
 * of its node pools (managed node groups, tagged self-managed Auto Scaling groups) through owned rules
 * alone: the library's flow model proves it on the app's templates with every rule of, or naming, the
 * EKS-created group removed (the incident replay). One finding per flow that fails, `Flow::<flow id>`.
 * A cluster with no node pool in the app has no node side to prove; the rule then finds nothing.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (eksClusterShape(node.cfnResourceType, {}) === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const tableFlows = new Set(RequiredFlows.all().map((flow) => flow.id));
    const report = appFlowModel(node).evaluate({ clusters: [flowModelKey(node)] });
    const failing = report.flows.filter((flow) => tableFlows.has(flow.flowId) && !flow.allowedAfterReplay);
    const ids = [...new Set(failing.map((flow) => flow.flowId))];
    return ids.length > 0 ? ids.map((id) => `Flow::${id}`) : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
