/**
 * Every use of aws-cdk-lib internals, in one file (test/architecture.test.ts fails on any other). Each is
 * here because no public API gives the same answer; test/private/cdk-internals.test.ts fails loudly if an
 * aws-cdk-lib release changes one.
 */
import { CfnElement, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';

/** A rendered template fragment, every token resolved. */
export interface RenderedFragment {
  readonly Resources?: { readonly [logicalId: string]: { readonly Type?: string; readonly Properties?: { readonly [key: string]: unknown } } };
  readonly [section: string]: unknown;
}

/** A rendered template: its sections (`Resources`, `Outputs`, `Parameters`...) by logical ID. */
export interface RenderedTemplate {
  readonly [section: string]: { readonly [logicalId: string]: unknown };
}

interface Renderable {
  _toCloudFormation(): object;
}

/**
 * One element (a resource, output, parameter...) as synthesis writes it. `CfnElement._toCloudFormation`
 * is internal, but it is the only view that includes property overrides and raw overrides, which the
 * typed L1 getters do not show.
 */
export function renderElement(element: CfnElement): RenderedFragment {
  return Stack.of(element).resolve((element as unknown as Renderable)._toCloudFormation());
}

/**
 * The template of `stack` (not of its nested stacks) as synthesis writes it, built from its elements:
 * every output, parameter, condition and rule, and the resources of `resourceTypes` (resolving only
 * those keeps the synth-time proofs cheap). Validation runs before the templates are written, so no file
 * exists yet to read; only valid once the app is prepared (from a validation or a synthesizer), when
 * cross-stack references have become imports and exports.
 *
 * @param resourceTypes the CloudFormation types of the resources to render; all when undefined
 */
export function renderStack(stack: Stack, resourceTypes?: ReadonlySet<string>): RenderedTemplate {
  const template: { [section: string]: { [logicalId: string]: unknown } } = {};
  for (const construct of stack.node.findAll()) {
    if (!CfnElement.isCfnElement(construct) || Stack.of(construct) !== stack) continue;
    if (resourceTypes !== undefined && CfnResource.isCfnResource(construct) && !resourceTypes.has(construct.cfnResourceType)) continue;
    for (const [section, entries] of Object.entries(renderElement(construct))) {
      if (typeof entries === 'object' && entries !== null) Object.assign(template[section] ??= {}, entries);
    }
  }
  return template;
}

/**
 * True while `connections` is the remote side of `client.connections.allowTo(...)`: aws-cdk-lib marks it
 * with its private `remoteRule` field for the duration of the call, and nothing public says so.
 */
export function isRemoteRuleCall(connections: ec2.Connections): boolean {
  return Reflect.get(connections, 'remoteRule') === true;
}

/**
 * The literal EKS-created cluster security group ID of an imported aws-eks(-v2) cluster given as a plain
 * `IConnectable`: `ICluster.clusterSecurityGroupId` throws when the import did not set it.
 */
export function literalClusterSecurityGroupId(client: IConstruct | object): string | undefined {
  try {
    const id: unknown = Reflect.get(client, 'clusterSecurityGroupId');
    return typeof id === 'string' && !Token.isUnresolved(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CIDR blocks `EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...)` was given: `EndpointAccess` keeps them
 * in its private `_config`, the only place they are. Undefined when there are none (or the field moved).
 */
export function endpointPublicCidrs(access: eks.EndpointAccess | undefined): unknown[] | undefined {
  const config: unknown = access === undefined ? undefined : Reflect.get(access, '_config');
  const cidrs: unknown = typeof config === 'object' && config !== null ? Reflect.get(config, 'publicCidrs') : undefined;
  return Array.isArray(cidrs) ? cidrs : undefined;
}
