import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Reads a resource's properties the way its template will show them, for the settings rules that
 * judge one resource on its own. Rules look at resolved CloudFormation, not at L1/L2 objects, so that
 * every shape (typed L1, L2, property overrides, raw `CfnResource`) is judged by the same code.
 * References between resources are the flow model's job (`app-templates.ts`), not this file's.
 *
 * Rendering and app-wide data are memoised for one validation pass (`withAppView`): rules that look
 * across the app would otherwise render the whole app once per resource they check. Outside a pass
 * every call computes afresh, with the same result.
 */

/** A JSON object of a resolved template. */
export interface CfnObject {
  readonly [key: string]: unknown;
}

interface TemplateFragment {
  readonly Resources?: { readonly [logicalId: string]: { readonly Properties?: CfnObject } };
}

/** Memos for one app. Valid while the construct tree does not change, which holds during validation. */
class AppView {
  public readonly properties = new Map<CfnResource, CfnObject>();
  public readonly derived = new Map<symbol, unknown>();

  constructor(public readonly root: IConstruct) {}
}

let activeView: AppView | undefined;

/** Runs one validation pass over the app of `scope` with memoised rendering and app-wide data. */
export function withAppView<T>(scope: IConstruct, validate: () => T): T {
  const previous = activeView;
  activeView = new AppView(scope.node.root);
  try {
    return validate();
  } finally {
    activeView = previous;
  }
}

/** App-wide data derived from the resolved templates: computed once per validation pass. */
export function memoized<T>(scope: IConstruct, key: symbol, compute: () => T): T {
  const view = viewOf(scope);
  if (!view.derived.has(key)) view.derived.set(key, compute());
  return view.derived.get(key) as T;
}

function viewOf(scope: IConstruct): AppView {
  const root = scope.node.root;
  return activeView?.root === root ? activeView : new AppView(root);
}

export function isCfnObject(value: unknown): value is CfnObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The resolved `Properties` of a resource: typed L1 properties, property overrides and raw overrides
 * merged, every token resolved, keys as CloudFormation spells them.
 */
export function resolvedProperties(node: CfnResource): CfnObject {
  const view = viewOf(node);
  let properties = view.properties.get(node);
  if (properties === undefined) {
    properties = Object.values(renderFragment(node).Resources ?? {})[0]?.Properties ?? {};
    view.properties.set(node, properties);
  }
  return properties;
}

/**
 * A resolved value that must be a list (`PublicAccessCidrs`, `EnabledTypes`...). Absent is empty; an
 * intrinsic such as `Fn::Split` cannot be judged at synth, so it throws and cdk-nag reports the rule
 * as unable to evaluate, never as a silent pass.
 */
export function resolvedList(node: CfnResource, value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw new Error(`${node.node.path}: ${what} is ${JSON.stringify(value)}, not a list known at synth time.`);
}

// `_toCloudFormation` is how a stack renders each of its elements. It is internal to aws-cdk-lib, but
// it is the only view that includes property overrides, which the typed L1 getters do not show.
function renderFragment(element: CfnElement): TemplateFragment {
  const renderable = element as unknown as { _toCloudFormation(): object };
  return Stack.of(element).resolve(renderable._toCloudFormation());
}
