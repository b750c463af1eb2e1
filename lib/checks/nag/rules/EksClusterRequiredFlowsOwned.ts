import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { flowFinding } from '../../../model/findings';
import { flowFails } from '../../../model/flow-text';
import { FlowRole } from '../../../model/required-flows';
import { EKS_CLUSTER_TYPES } from '../../../model/resource-types';
import { appFlowModel, flowModelKey } from '../private/app-templates';

/**
 * Every control plane <-> node flow the cluster requires (the flows a `SafeCluster` recorded in its template,
 * or the whole required-flow table for any other cluster) holds between an EKS cluster's control plane (`AWS::EKS::Cluster`, or
 * aws-eks v1's `Custom::AWSCDK-EKS-Cluster`) and each
 * of its workloads (managed node groups, tagged self-managed Auto Scaling groups, Auto Mode nodes, Fargate
 * pods, in-VPC Lambda API clients) through owned rules alone: the library's flow model proves it on the
 * app's templates with every rule of, or naming, the EKS-created group removed (the incident replay). One
 * finding per flow that fails, `Flow::<flow id>` (`Flow::<flow id>::<workload>` for workloads other than
 * node groups); findings the cluster acknowledged in its recorded intent are not reported. A cluster with
 * no workload in the app is EUP1's (unproven).
 * @param node the CfnResource to check
 */
// Data-store and load-balancer flows are EDS1's and the plugin's; this rule proves the cluster's own flows
// (path-MTU ICMP from the VPC and the API clients it recorded included).
const CLUSTER_ROLES: ReadonlySet<string> = new Set([FlowRole.CONTROL_PLANE, FlowRole.NODES, FlowRole.VPC, FlowRole.API_CLIENT]);

export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (!EKS_CLUSTER_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const report = appFlowModel(node).evaluate({ clusters: [flowModelKey(node)] });
    const failing = report.flows.filter((flow) => CLUSTER_ROLES.has(flow.source) && CLUSTER_ROLES.has(flow.destination) && flowFails(flow));
    const findings = [...new Set(failing.map((flow) => flowFinding(flow.flowId, flow.workload)))];
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
