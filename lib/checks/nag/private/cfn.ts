import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Reads resources the way their templates will show them, and follows `Ref`, `Fn::GetAtt` and
 * `Fn::ImportValue` between them across the stacks of one app. Rules look at resolved CloudFormation,
 * not at L1/L2 objects, so that every shape (typed L1, L2, property overrides, raw `CfnResource`)
 * is judged by the same code.
 *
 * Rendering and reference lookups are memoised for one validation pass (`withAppView`): rules that
 * look across the app (a data store's ingress rules, a cluster's flows) would otherwise render the
 * whole app once per resource they check. Outside a pass every call computes afresh, with the same result.
 */

/** A JSON object of a resolved template. */
export interface CfnObject {
  readonly [key: string]: unknown;
}

/** Where a `Ref`, `Fn::GetAtt` or `Fn::ImportValue` leads. */
export interface ReferenceTarget {
  /** Logical ID of the resource named by the reference. */
  readonly logicalId: string;
  /** Attribute read from it: `Ref` for a `Ref`, the attribute name for `Fn::GetAtt`. */
  readonly attribute: string;
  /** The resource, when it is part of this app (a pseudo parameter or template parameter is not). */
  readonly resource?: CfnResource;
}

interface RenderedOutput {
  readonly stack: Stack;
  readonly name: string;
  readonly value: unknown;
  readonly exportName: unknown;
}

interface TemplateFragment {
  readonly Resources?: { readonly [logicalId: string]: { readonly Properties?: CfnObject } };
  readonly Outputs?: { readonly [name: string]: { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } } };
}

/** Memos for one app. Valid while the construct tree does not change, which holds during validation. */
class AppView {
  public readonly properties = new Map<CfnResource, CfnObject>();
  public readonly derived = new Map<symbol, unknown>();
  private allConstructs?: IConstruct[];
  private logicalIds?: Map<string, CfnResource[]>;
  private outputs?: RenderedOutput[];

  constructor(public readonly root: IConstruct) {}

  public get constructs(): IConstruct[] {
    this.allConstructs ??= this.root.node.findAll();
    return this.allConstructs;
  }

  public resourcesNamed(logicalId: string): CfnResource[] {
    if (!this.logicalIds) {
      this.logicalIds = new Map();
      for (const resource of this.constructs.filter(CfnResource.isCfnResource)) {
        const id = Stack.of(resource).resolve(resource.logicalId);
        this.logicalIds.set(id, [...(this.logicalIds.get(id) ?? []), resource]);
      }
    }
    return this.logicalIds.get(logicalId) ?? [];
  }

  public get renderedOutputs(): RenderedOutput[] {
    this.outputs ??= this.constructs
      .filter((c): c is CfnElement => CfnElement.isCfnElement(c) && !CfnResource.isCfnResource(c))
      .flatMap((element) => Object.entries(renderFragment(element).Outputs ?? {}).map(([name, output]) => ({
        stack: element.stack, name, value: output.Value, exportName: output.Export?.Name,
      })));
    return this.outputs;
  }
}

let activeView: AppView | undefined;

/** Runs one validation pass over the app of `scope` with memoised rendering and lookups. */
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
 * A resolved value that must be a list (`SecurityGroupIds`, `EnabledTypes`...). Absent is empty; an
 * intrinsic such as `Fn::Split` cannot be judged at synth, so it throws and cdk-nag reports the rule
 * as unable to evaluate, never as a silent pass.
 */
export function resolvedList(node: CfnResource, value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw new Error(`${node.node.path}: ${what} is ${JSON.stringify(value)}, not a list known at synth time.`);
}

/** Every resource of the app (all stacks, stages and nested stacks) with one of these types. */
export function appResourcesOfType(scope: IConstruct, types: readonly string[]): CfnResource[] {
  return viewOf(scope).constructs
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && types.includes(c.cfnResourceType));
}

/**
 * Follows a resolved reference to the resource it names, across the stacks of the app: `Fn::ImportValue`
 * to the output of the stack that exports that name, a nested stack's parameter to the value its parent
 * passes in, and `Fn::GetAtt <nested stack>.Outputs.<name>` to that output of the nested stack.
 */
export function followReference(stack: Stack, value: unknown): ReferenceTarget | undefined {
  if (!isCfnObject(value)) return undefined;
  if (typeof value.Ref === 'string') return followParameter(stack, value.Ref) ?? target(stack, value.Ref, 'Ref');
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
    return followAttribute(stack, getAtt[0], getAtt[1]);
  }
  if (typeof getAtt === 'string' && getAtt.includes('.')) {
    const dot = getAtt.indexOf('.');
    return followAttribute(stack, getAtt.slice(0, dot), getAtt.slice(dot + 1));
  }
  const importName = value['Fn::ImportValue'];
  if (typeof importName === 'string') {
    const exported = viewOf(stack).renderedOutputs.find((output) => output.exportName === importName);
    return exported && followReference(exported.stack, exported.value);
  }
  return undefined;
}

// `_toCloudFormation` is how a stack renders each of its elements. It is internal to aws-cdk-lib, but
// it is the only view that includes property overrides, which the typed L1 getters do not show.
function renderFragment(element: CfnElement): TemplateFragment {
  const renderable = element as unknown as { _toCloudFormation(): object };
  return Stack.of(element).resolve(renderable._toCloudFormation());
}

function target(stack: Stack, logicalId: string, attribute: string): ReferenceTarget {
  return { logicalId, attribute, resource: findResource(stack, logicalId) };
}

// Inside a nested stack, a value of the parent arrives as a parameter the parent's stack resource sets.
function followParameter(stack: Stack, name: string): ReferenceTarget | undefined {
  const parent = stack.nestedStackParent;
  const resource = stack.nestedStackResource;
  if (!parent || !resource) return undefined;
  const passed = resolvedProperties(resource).Parameters;
  return isCfnObject(passed) && passed[name] !== undefined ? followReference(parent, passed[name]) : undefined;
}

// A parent reads a value of a nested stack as `Outputs.<name>` of the nested stack's resource.
function followAttribute(stack: Stack, logicalId: string, attribute: string): ReferenceTarget {
  const found = target(stack, logicalId, attribute);
  const child = viewOf(stack).constructs.filter(Stack.isStack)
    .find((s) => found.resource !== undefined && s.nestedStackResource === found.resource);
  const output = child && attribute.startsWith('Outputs.')
    ? viewOf(stack).renderedOutputs.find((o) => o.stack === child && o.name === attribute.slice('Outputs.'.length)) : undefined;
  return (output && followReference(output.stack, output.value)) ?? found;
}

/**
 * The resource with this logical ID, searched in `stack` first. Before synthesis prepares the app,
 * a reference to another stack still resolves to that stack's own logical ID (the export and import
 * are added later), so the other stacks of the app are searched next.
 */
function findResource(stack: Stack, logicalId: string): CfnResource | undefined {
  const named = viewOf(stack).resourcesNamed(logicalId);
  return named.find((r) => Stack.of(r) === stack) ?? named[0];
}
