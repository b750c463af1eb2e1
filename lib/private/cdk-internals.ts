/**
 * Every use of aws-cdk-lib internals, in one file. Each is here because no public API gives the same
 * answer; test/private/cdk-internals.test.ts fails loudly if an aws-cdk-lib release changes one.
 */
import { CfnElement, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/** A rendered template fragment, every token resolved. */
export interface RenderedFragment {
  readonly Resources?: { readonly [logicalId: string]: { readonly Type?: string; readonly Properties?: { readonly [key: string]: unknown } } };
  readonly [section: string]: unknown;
}

interface Renderable {
  _toCloudFormation(): object;
}

/**
 * One element (a resource) as synthesis writes it. `CfnElement._toCloudFormation` is internal, but it
 * is the only view that includes property overrides and raw overrides, which the typed L1 getters do not show.
 */
export function renderElement(element: CfnElement): RenderedFragment {
  return Stack.of(element).resolve((element as unknown as Renderable)._toCloudFormation());
}

/**
 * A whole stack's template as synthesis writes it (`Stack._toCloudFormation`, protected and internal):
 * validation runs before the templates are written, so no file exists yet to read.
 */
export function renderStack(stack: Stack): { [key: string]: unknown } {
  return (stack as unknown as Renderable)._toCloudFormation() as { [key: string]: unknown };
}

/** The resources of `stack` (not of its nested stacks) whose CloudFormation type `include` accepts, rendered. */
export function renderStackResources(stack: Stack, include: (type: string) => boolean = () => true): { [logicalId: string]: unknown } {
  const resources: { [logicalId: string]: unknown } = {};
  for (const construct of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(construct) || !include(construct.cfnResourceType) || Stack.of(construct) !== stack) continue;
    Object.assign(resources, renderElement(construct).Resources);
  }
  return resources;
}

/**
 * True while `connections` is the remote side of `client.connections.allowTo(...)`: aws-cdk-lib marks it
 * with its private `remoteRule` field for the duration of the call, and nothing public says so.
 */
export function isRemoteRuleCall(connections: ec2.Connections): boolean {
  return Reflect.get(connections, 'remoteRule') === true;
}

/**
 * The literal EKS-created group ID of an imported aws-eks(-v2) cluster given as a plain `IConnectable`:
 * `ICluster.clusterSecurityGroupId` throws when the import did not set it.
 */
export function literalClusterSecurityGroupId(client: IConstruct | object): string | undefined {
  try {
    const id: unknown = Reflect.get(client, 'clusterSecurityGroupId');
    return typeof id === 'string' && !Token.isUnresolved(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
