import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Reads resources the way their templates will show them, and follows `Ref`, `Fn::GetAtt` and
 * `Fn::ImportValue` between them across the stacks of one app. Rules look at resolved CloudFormation,
 * not at L1/L2 objects, so that every shape (typed L1, L2, property overrides, raw `CfnResource`)
 * is judged by the same code.
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

interface TemplateFragment {
  readonly Resources?: { readonly [logicalId: string]: { readonly Properties?: CfnObject } };
  readonly Outputs?: { readonly [name: string]: { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } } };
}

export function isCfnObject(value: unknown): value is CfnObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The resolved `Properties` of a resource: typed L1 properties, property overrides and raw overrides
 * merged, every token resolved, keys as CloudFormation spells them.
 */
export function resolvedProperties(node: CfnResource): CfnObject {
  const resources = renderFragment(node).Resources ?? {};
  return Object.values(resources)[0]?.Properties ?? {};
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
  return scope.node.root.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && types.includes(c.cfnResourceType));
}

/**
 * Follows a resolved reference to the resource it names. `Fn::ImportValue` is followed to the output
 * of another stack of the app that exports that name, then on to what the output's value references.
 */
export function followReference(stack: Stack, value: unknown): ReferenceTarget | undefined {
  if (!isCfnObject(value)) return undefined;
  if (typeof value.Ref === 'string') return target(stack, value.Ref, 'Ref');
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
    return target(stack, getAtt[0], getAtt[1]);
  }
  if (typeof getAtt === 'string' && getAtt.includes('.')) {
    const dot = getAtt.indexOf('.');
    return target(stack, getAtt.slice(0, dot), getAtt.slice(dot + 1));
  }
  const importName = value['Fn::ImportValue'];
  if (typeof importName === 'string') {
    const exported = findExport(stack, importName);
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

/**
 * The resource with this logical ID, searched in `stack` first. Before synthesis prepares the app,
 * a reference to another stack still resolves to that stack's own logical ID (the export and import
 * are added later), so the other stacks of the app are searched next.
 */
function findResource(stack: Stack, logicalId: string): CfnResource | undefined {
  const resources = stack.node.root.node.findAll().filter(CfnResource.isCfnResource);
  const named = resources.filter((r) => Stack.of(r).resolve(r.logicalId) === logicalId);
  return named.find((r) => Stack.of(r) === stack) ?? named[0];
}

function findExport(stack: Stack, name: string): { stack: Stack; value: unknown } | undefined {
  for (const element of stack.node.root.node.findAll()) {
    if (!CfnElement.isCfnElement(element) || CfnResource.isCfnResource(element)) continue;
    for (const output of Object.values(renderFragment(element).Outputs ?? {})) {
      if (output.Export?.Name === name) return { stack: element.stack, value: output.Value };
    }
  }
  return undefined;
}
