import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { appResourcesOfType, followReference, isCfnObject, memoized, resolvedList, resolvedProperties } from './cfn';
import { SecurityGroupIdentity, identifyGroup } from './security-groups';

export const NODEGROUP_TYPE = 'AWS::EKS::Nodegroup';
const LAUNCH_TEMPLATE_TYPE = 'AWS::EC2::LaunchTemplate';

/**
 * The security groups a managed node group's launch template puts on its nodes, or undefined when the
 * node group has no launch template (EKS then attaches the cluster group it created). An empty list
 * means the template names no group, and EKS again attaches its own. Throws when the template is not
 * part of the app: what it carries cannot be known at synth.
 */
export function launchTemplateGroups(nodegroup: CfnResource): SecurityGroupIdentity[] | undefined {
  const spec = resolvedProperties(nodegroup).LaunchTemplate;
  if (!isCfnObject(spec)) return undefined;
  const template = findLaunchTemplate(nodegroup, spec.Id, spec.Name);
  if (!template) {
    throw new Error(`${nodegroup.node.path}: launch template ${JSON.stringify(spec)} is not defined in this app, so the security groups on its nodes are unknown.`);
  }
  const stack = Stack.of(template);
  const data = resolvedProperties(template).LaunchTemplateData;
  const dataObject = isCfnObject(data) ? data : {};
  const interfaces = resolvedList(template, dataObject.NetworkInterfaces, 'LaunchTemplateData.NetworkInterfaces');
  return [
    ...resolvedList(template, dataObject.SecurityGroupIds, 'LaunchTemplateData.SecurityGroupIds'),
    ...resolvedList(template, dataObject.SecurityGroups, 'LaunchTemplateData.SecurityGroups'),
    ...interfaces.flatMap((ni) => resolvedList(template, isCfnObject(ni) ? ni.Groups : undefined, 'NetworkInterfaces[].Groups')),
  ].map((group) => identifyGroup(stack, group));
}

const OWNED_NODE_GROUPS = Symbol('ownedNodeGroupKeys');

/** Keys of the owned groups on the nodes of every managed node group of the app (launch-template groups minus EKS-created ones). */
export function ownedNodeGroupKeys(scope: IConstruct): Set<string> {
  return memoized(scope, OWNED_NODE_GROUPS, () => new Set(appResourcesOfType(scope, [NODEGROUP_TYPE])
    .flatMap((nodegroup) => launchTemplateGroups(nodegroup) ?? [])
    .filter((g) => !g.clusterCreated).map((g) => g.key)));
}

function findLaunchTemplate(nodegroup: CfnResource, id: unknown, name: unknown): CfnResource | undefined {
  if (id !== undefined) {
    const resource = followReference(Stack.of(nodegroup), id)?.resource;
    return resource?.cfnResourceType === LAUNCH_TEMPLATE_TYPE ? resource : undefined;
  }
  if (typeof name !== 'string') return undefined;
  return appResourcesOfType(nodegroup, [LAUNCH_TEMPLATE_TYPE])
    .find((template) => resolvedProperties(template).LaunchTemplateName === name);
}
