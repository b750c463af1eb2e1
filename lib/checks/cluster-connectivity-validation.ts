import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct, IValidation } from 'constructs';
import { FlowModel } from '../model/flow-model';
import { flowFails, flowProblem, flowVerdict } from '../model/flow-text';
import { MODELLED_TYPES } from '../model/resource-types';
import { WorkloadKind } from '../model/workloads';
import { formatProblem } from '../private/errors';
import { renderStack } from '../private/cdk-internals';

/**
 * Synth-time proof for one cluster: fails synthesis when a required flow of its nodes is missing or holds
 * only through the EKS-created cluster security group. To stay cheap it renders only the modelled
 * resources of the cluster's own stack (no second synthesis); flows whose rules live in other stacks are
 * proven app-wide by `ConnectivityChecks` and `cdk-safe-eks verify`. Workloads that can only carry the
 * EKS-created group (Fargate pods) are judged there too, where a finding can be acknowledged: a failed
 * construct validation cannot be.
 */
export class ClusterConnectivityValidation implements IValidation {
  constructor(
    private readonly scope: IConstruct,
    private readonly cluster: CfnResource,
  ) {}

  public validate(): string[] {
    const stack = Stack.of(this.cluster);
    const stackName = stack.artifactId;
    // The cluster's recorded intent (its Metadata) says which flows to prove.
    const report = FlowModel.fromTemplates([{ stackName, template: { Resources: renderStack(stack, MODELLED_TYPES).Resources ?? {} } }]).evaluate({
      clusters: [`${stackName}/${stack.resolve(this.cluster.logicalId)}`],
    });
    return report.flows.filter((f) => f.workload === WorkloadKind.NODES && flowFails(f))
      .map((f) => formatProblem(this.scope, flowVerdict(f), flowProblem(f), f.fix ?? ''));
  }
}
