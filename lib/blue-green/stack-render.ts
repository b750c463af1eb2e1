import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';

/** A rendered CloudFormation template: sections of logical IDs. */
export interface RenderedTemplate {
  readonly [section: string]: { [logicalId: string]: unknown };
}

/**
 * The template of `stack` as it will be written, built from its elements without a second synthesis:
 * every output, parameter and condition, and the resources of the given types (resolving only those
 * keeps the guards cheap). Only valid once the app is prepared (from a validation or a synthesizer),
 * when cross-stack references have been turned into imports and exports.
 */
export function renderStack(stack: Stack, resourceTypes: ReadonlySet<string>): RenderedTemplate {
  const template: { [section: string]: { [logicalId: string]: unknown } } = {};
  for (const construct of stack.node.findAll()) {
    if (!CfnElement.isCfnElement(construct) || Stack.of(construct) !== stack) continue;
    if (CfnResource.isCfnResource(construct) && !resourceTypes.has(construct.cfnResourceType)) continue;
    const fragment = stack.resolve(construct._toCloudFormation()) as { [section: string]: { [id: string]: unknown } };
    for (const [section, entries] of Object.entries(fragment)) {
      if (typeof entries === 'object' && entries !== null) Object.assign(template[section] ??= {}, entries);
    }
  }
  return template;
}
