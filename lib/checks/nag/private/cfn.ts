import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { FlowModel } from '../../../model/flow-model';
import { GuardrailCoverage } from '../../../model/guardrail-coverage';
import { isJsonObject, JsonObject } from '../../../model/json';
import { StackTemplate } from '../../../model/stack-template';
import { renderElement, renderStack } from '../../../private/cdk-internals';
import { SafeEksError } from '../../../private/errors';

/**
 * How the nag rules see the app: resources' properties the way the template will show them, and the
 * flow model of the whole app. Rules look at resolved CloudFormation, not at L1/L2 objects, so that every
 * shape (typed L1, L2, property overrides, raw `CfnResource`) is judged by the same code.
 *
 * A `TemplateView` memoises rendering for one validation pass (`TemplateView.during`): rules that look
 * across the app would otherwise render it once per resource they check. Outside a pass every call
 * gets a fresh view and computes afresh, with the same result.
 */
export type CfnObject = JsonObject;

/** Views of the passes running now, by app root (a pass over one app never sees another app's memo). */
const PASSES = new WeakMap<IConstruct, TemplateView>();

export class TemplateView {
  /** Runs one validation pass over the app of `scope` with a view whose memos live as long as the pass. */
  public static during<T>(scope: IConstruct, validate: () => T): T {
    const root = scope.node.root;
    const previous = PASSES.get(root);
    PASSES.set(root, new TemplateView(root));
    try {
      return validate();
    } finally {
      if (previous) PASSES.set(root, previous);
      else PASSES.delete(root);
    }
  }

  /** The view of the pass running over the app of `scope`, or a one-off view outside a pass. */
  public static of(scope: IConstruct): TemplateView {
    return PASSES.get(scope.node.root) ?? new TemplateView(scope.node.root);
  }

  private readonly properties = new Map<CfnResource, CfnObject>();
  private model?: FlowModel;
  private coverage?: GuardrailCoverage;
  private templates?: StackTemplate[];

  private constructor(private readonly root: IConstruct) {}

  /** The resolved `Properties` of a resource: typed L1 properties, overrides and raw overrides merged, keys as CloudFormation spells them. */
  public resolvedProperties(node: CfnResource): CfnObject {
    let properties = this.properties.get(node);
    if (properties === undefined) {
      properties = Object.values(renderElement(node).Resources ?? {})[0]?.Properties ?? {};
      this.properties.set(node, properties);
    }
    return properties;
  }

  /** The library's flow model over every stack of the app (stages and nested stacks included), as synthesis writes them. */
  public flowModel(): FlowModel {
    this.model ??= FlowModel.fromTemplates(this.stackTemplates());
    return this.model;
  }

  /** Which clusters of the app the app's EventBridge rules watch, over the same templates. */
  public guardrailCoverage(): GuardrailCoverage {
    this.coverage ??= GuardrailCoverage.fromTemplates(this.stackTemplates());
    return this.coverage;
  }

  private stackTemplates(): StackTemplate[] {
    this.templates ??= this.root.node.findAll().filter(Stack.isStack).map((stack): StackTemplate => {
      const parent = stack.nestedStackParent;
      const resource = stack.nestedStackResource;
      return {
        stackName: flowModelStackId(stack), template: renderStack(stack),
        parentStackName: parent && flowModelStackId(parent), parentLogicalId: parent && resource && parent.resolve(resource.logicalId),
      };
    });
    return this.templates;
  }
}

/** Runs one validation pass over the app of `scope` with memoised rendering and app-wide data. */
export function withAppView<T>(scope: IConstruct, validate: () => T): T {
  return TemplateView.during(scope, validate);
}

export const isCfnObject = isJsonObject;

/** The resolved `Properties` of a resource, through the view of the running pass. */
export function resolvedProperties(node: CfnResource): CfnObject {
  return TemplateView.of(node).resolvedProperties(node);
}

/**
 * A resolved value that must be a list (`PublicAccessCidrs`, `EnabledTypes`...). Absent is empty; an
 * intrinsic such as `Fn::Split` cannot be judged at synth, so it throws and cdk-nag reports the rule
 * as unable to evaluate, never as a silent pass.
 */
export function resolvedList(node: CfnResource, value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw unknownAtSynth(node, `${what} ${JSON.stringify(value)}`);
}

/**
 * What a rule throws when a value it must judge is known only at deploy time: cdk-nag then reports the
 * rule as unable to evaluate, with this message, never as a silent pass.
 */
export function unknownAtSynth(node: CfnResource, value: string): SafeEksError {
  return new SafeEksError(node, 'UnknownAtSynth', 'a value the check reads is not known at synth time, so the check cannot judge this resource.', value,
    'write the value in the app (literal IDs, or groups and lists defined there) instead of a parameter, import or function resolved at deploy time');
}

/** How the flow model names a stack: the artifact ID, nested stacks as `<parent>/<logical ID>`. */
export function flowModelStackId(stack: Stack): string {
  const parent = stack.nestedStackParent;
  const resource = stack.nestedStackResource;
  return parent && resource ? `${flowModelStackId(parent)}/${parent.resolve(resource.logicalId)}` : stack.artifactId;
}
