import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { flowModelStackId, TemplateView } from './cfn';
import { FlowModel } from '../../../model/flow-model';
import { GuardrailCoverage } from '../../../model/guardrail-coverage';

/** The library's flow model over the whole app, so that nag rules and the CLI judge flows with one model. */
export function appFlowModel(scope: IConstruct): FlowModel {
  return TemplateView.of(scope).flowModel();
}

/** Which clusters of the app have guardrails, judged on the same templates as the flow model. */
export function appGuardrailCoverage(scope: IConstruct): GuardrailCoverage {
  return TemplateView.of(scope).guardrailCoverage();
}

/** How the flow model names a resource: `<stack>/<logical ID>`, nested stacks as `<parent>/<logical ID>`. */
export function flowModelKey(node: CfnResource): string {
  const stack = Stack.of(node);
  return `${flowModelStackId(stack)}/${stack.resolve(node.logicalId)}`;
}
