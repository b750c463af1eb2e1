import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct, IValidation } from 'constructs';
import { MODELLED_TYPES } from '../model/attachments';
import { FlowModel } from '../model/flow-model';
import { formatProblem } from '../private/errors';

/**
 * Synth-time proof for one cluster: fails synthesis when a required flow is missing or holds only
 * through the EKS-created cluster security group. To stay cheap it renders only the security-group,
 * cluster, node and data-store resources of the cluster's own stack (no second synthesis); flows whose
 * rules live in other stacks are proven app-wide by `ConnectivityChecks` and `cdk-safe-eks verify`.
 */
export class ClusterConnectivityValidation implements IValidation {
  constructor(
    private readonly scope: IConstruct,
    private readonly cluster: CfnResource,
  ) {}

  public validate(): string[] {
    const stack = Stack.of(this.cluster);
    const resources: { [logicalId: string]: unknown } = {};
    for (const construct of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(construct) || !MODELLED_TYPES.has(construct.cfnResourceType) || Stack.of(construct) !== stack) continue;
      Object.assign(resources, (stack.resolve(construct._toCloudFormation()) as { Resources?: object }).Resources);
    }
    const stackName = stack.artifactId;
    // The cluster's recorded intent (its Metadata) says which flows to prove.
    const report = FlowModel.fromTemplates([{ stackName, template: { Resources: resources } }]).evaluate({
      clusters: [`${stackName}/${stack.resolve(this.cluster.logicalId)}`],
    });
    return report.flows.filter((f) => !(f.allowedBefore && f.allowedAfterReplay)).map((f) => formatProblem(this.scope,
      f.allowedBefore
        ? `Required flow ${f.flowId} (${f.sourceLabel} -> ${f.destinationLabel} ${f.protocol} ${f.ports}) holds only through the EKS-created cluster security group, whose rules an EKS upgrade can rewrite (the 2021-01-11 incident).`
        : `Required flow ${f.flowId} (${f.sourceLabel} -> ${f.destinationLabel} ${f.protocol} ${f.ports}) is not allowed by any rule.`,
      (f.allowedBefore ? f.replayProblem : f.problem) ?? '',
      f.fix ?? ''));
  }
}
