import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { memoized } from './cfn';
import { FlowModel, StackTemplate } from '../../../model/flow-model';

const FLOW_MODEL = Symbol('flowModel');

/** The library's flow model over the whole app, so that nag rules and the CLI judge flows with one model. */
export function appFlowModel(scope: IConstruct): FlowModel {
  return memoized(scope, FLOW_MODEL, () => FlowModel.fromTemplates(appTemplates(scope)));
}

/** Every stack of the app (stages and nested stacks included) rendered as synthesis writes it. */
function appTemplates(scope: IConstruct): StackTemplate[] {
  return scope.node.root.node.findAll().filter(Stack.isStack).map((stack) => {
    const parent = stack.nestedStackParent;
    const resource = stack.nestedStackResource;
    return {
      stackName: stackId(stack),
      // `_toCloudFormation` is internal to aws-cdk-lib; it is what synthesis calls to write the template.
      template: (stack as unknown as { _toCloudFormation(): { [key: string]: unknown } })._toCloudFormation(),
      parentStackName: parent && stackId(parent),
      parentLogicalId: parent && resource && parent.resolve(resource.logicalId),
    };
  });
}

/** How the flow model names a resource: `<stack>/<logical ID>`, nested stacks as `<parent>/<logical ID>`. */
export function flowModelKey(node: CfnResource): string {
  const stack = Stack.of(node);
  return `${stackId(stack)}/${stack.resolve(node.logicalId)}`;
}

function stackId(stack: Stack): string {
  const parent = stack.nestedStackParent;
  const resource = stack.nestedStackResource;
  return parent && resource ? `${stackId(parent)}/${parent.resolve(resource.logicalId)}` : stack.artifactId;
}
