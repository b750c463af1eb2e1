/**
 * The EventBridge event patterns of a cluster's guardrails, as data: which CloudTrail calls each rule
 * watches, the request shape it matches on, and why every other call is left out. Pure: the construct
 * passes group IDs and the cluster name (tokens at synth), the tests pass literal IDs.
 */

/** A call a guardrail watches or leaves out, and why. */
export interface GuardrailCall {
  readonly eventName: string;
  readonly reason: string;
}

/** CloudTrail's detail type for API calls delivered to EventBridge. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/**
 * `sourceIPAddress` of calls CloudFormation makes (with the caller's credentials or its service role).
 * Left out: a stack's own changes were proven at synth and are the ones a deploy is expected to make,
 * so every deploy of a live color would otherwise fire the guardrail alarm.
 */
export const CLOUDFORMATION_SOURCE = 'cloudformation.amazonaws.com';

/** EC2 calls whose request names the changed group as `requestParameters.groupId`. */
export const GROUP_ID_CALLS: readonly GuardrailCall[] = [
  { eventName: 'RevokeSecurityGroupIngress', reason: 'removes inbound rules: the call that took the incident\'s rule away' },
  { eventName: 'RevokeSecurityGroupEgress', reason: 'removes outbound rules: an owned flow needs both its egress and its ingress rule' },
  { eventName: 'AuthorizeSecurityGroupIngress', reason: 'adds an inbound rule outside CloudFormation: the group then allows more than its owned rules, and the next deploy does not manage it' },
  { eventName: 'AuthorizeSecurityGroupEgress', reason: 'adds an outbound rule outside CloudFormation, as above' },
  { eventName: 'DeleteSecurityGroup', reason: 'deletes the group, and with it every rule that named it' },
];
/** EC2 calls whose rules can name a watched group as their peer (`ipPermissions.items.groups.items.groupId`). */
export const PEER_CALLS: readonly GuardrailCall[] = GROUP_ID_CALLS.filter((c) => c.eventName !== 'DeleteSecurityGroup');
/** The EC2 call whose request wraps the group as `requestParameters.ModifySecurityGroupRulesRequest.GroupId`. */
export const MODIFY_RULES_CALL: GuardrailCall = {
  eventName: 'ModifySecurityGroupRules', reason: 'rewrites a rule in place (protocol, ports, peer): the flow it carried may be gone',
};
/**
 * Calls that remove rules or groups and may name no group ID: a revoke by rule IDs alone
 * (`SecurityGroupRuleId.N`) or by group name (default VPC only). Nothing in such a request tells
 * which group changed, so every cluster's guardrail reports it rather than miss it.
 */
export const UNNAMED_GROUP_CALLS: readonly GuardrailCall[] = GROUP_ID_CALLS.filter((c) => !c.eventName.startsWith('Authorize'));

/** EC2 calls left out, and why: none of them changes what a group allows. */
export const EXCLUDED_EC2_CALLS: readonly GuardrailCall[] = [
  { eventName: 'UpdateSecurityGroupRuleDescriptionsIngress', reason: 'changes a rule\'s description only; the traffic allowed stays the same' },
  { eventName: 'UpdateSecurityGroupRuleDescriptionsEgress', reason: 'changes a rule\'s description only' },
  { eventName: 'CreateSecurityGroup', reason: 'creates a new group; no existing group allows anything different' },
  { eventName: 'ModifyNetworkInterfaceAttribute', reason: 'changes which groups an interface carries, not what a group allows; its request lists the new groups, never the one removed' },
  { eventName: 'ModifyInstanceAttribute', reason: 'same as ModifyNetworkInterfaceAttribute, for an instance\'s primary interface' },
  { eventName: 'AssociateSecurityGroupVpc', reason: 'makes a group usable in another VPC; its rules are unchanged' },
  { eventName: 'DisassociateSecurityGroupVpc', reason: 'refused by EC2 while an interface in that VPC uses the group; its rules are unchanged' },
  { eventName: 'CreateTags', reason: 'labels only (the Load Balancer Controller\'s cluster tag is checked at synth)' },
  { eventName: 'DeleteTags', reason: 'labels only' },
  { eventName: 'DescribeSecurityGroups', reason: 'read-only, as every Describe* call' },
];

/** EKS calls that change a cluster, its node groups, Fargate profiles or add-ons. */
export const EKS_CALLS: readonly GuardrailCall[] = [
  { eventName: 'UpdateClusterVersion', reason: 'an in-place minor upgrade: the change in the incident; EKS rewrites the group it created' },
  { eventName: 'UpdateClusterConfig', reason: 'endpoint access, logging, networking, upgrade policy or compute of the control plane' },
  { eventName: 'AssociateEncryptionConfig', reason: 'turns on envelope encryption: a control-plane update' },
  { eventName: 'UpdateNodegroupVersion', reason: 'rolls every node of a group onto a new AMI or launch template version' },
  { eventName: 'UpdateNodegroupConfig', reason: 'scaling, labels, taints or update settings of a node group' },
  { eventName: 'CreateNodegroup', reason: 'a node group made outside CloudFormation: without an owned launch template its nodes carry the EKS-created group' },
  { eventName: 'DeleteNodegroup', reason: 'removes nodes that serve traffic' },
  { eventName: 'CreateFargateProfile', reason: 'Fargate pods always carry the EKS-created group' },
  { eventName: 'DeleteFargateProfile', reason: 'removes the pods a profile ran' },
  { eventName: 'CreateAddon', reason: 'installs an add-on outside CloudFormation (vpc-cni, kube-proxy and CoreDNS carry pod networking)' },
  { eventName: 'UpdateAddon', reason: 'changes an add-on\'s version or configuration' },
  { eventName: 'DeleteAddon', reason: 'removes an add-on' },
  { eventName: 'DeleteCluster', reason: 'refused while deletion protection is on; an attempt is still worth knowing' },
];

/** EKS calls left out, and why. */
export const EXCLUDED_EKS_CALLS: readonly GuardrailCall[] = [
  { eventName: 'CreateCluster', reason: 'the cluster does not exist yet when its guardrail is deployed' },
  { eventName: 'CreateAccessEntry', reason: 'who may call the Kubernetes API (as UpdateAccessEntry, DeleteAccessEntry, AssociateAccessPolicy): identity, not connectivity or version' },
  { eventName: 'CreatePodIdentityAssociation', reason: 'IAM for pods (as its Update and Delete): no network or version change' },
  { eventName: 'AssociateIdentityProviderConfig', reason: 'OIDC sign-in for the Kubernetes API: identity only' },
  { eventName: 'TagResource', reason: 'labels only (as UntagResource)' },
  { eventName: 'DescribeCluster', reason: 'read-only, as every Describe* and List* call' },
];

type Pattern = { [key: string]: unknown };

/** What every CloudTrail guardrail pattern requires: a successful call not made by CloudFormation. */
function cloudTrailCall(source: string, eventSource: string, calls: readonly GuardrailCall[], requestParameters: Pattern | Pattern[]): Pattern {
  const detail: Pattern = {
    eventSource: [eventSource],
    eventName: calls.map((c) => c.eventName),
    // A failed call (InvalidPermission.NotFound, AccessDenied, DependencyViolation) changed nothing.
    errorCode: [{ exists: false }],
    sourceIPAddress: [{ 'anything-but': CLOUDFORMATION_SOURCE }],
  };
  if (Array.isArray(requestParameters)) detail.$or = requestParameters.map((p) => ({ requestParameters: p }));
  else detail.requestParameters = requestParameters;
  return { 'source': [source], 'detail-type': [CLOUDTRAIL_DETAIL_TYPE], detail };
}

/**
 * Revoke, authorize or delete on one of `groupIds`, or a rule of any group that names one of them as
 * its peer (how the incident's caches and databases trusted the cluster).
 */
export function securityGroupChangePattern(groupIds: readonly string[]): Pattern {
  return cloudTrailCall('aws.ec2', 'ec2.amazonaws.com', GROUP_ID_CALLS, [
    { groupId: [...groupIds] },
    { ipPermissions: { items: { groups: { items: { groupId: [...groupIds] } } } } },
  ]);
}

/** ModifySecurityGroupRules on one of `groupIds`, or rewriting a rule so that it names one of them as its peer. */
export function securityGroupRuleModificationPattern(groupIds: readonly string[]): Pattern {
  return cloudTrailCall('aws.ec2', 'ec2.amazonaws.com', [MODIFY_RULES_CALL], [
    { ModifySecurityGroupRulesRequest: { GroupId: [...groupIds] } },
    { ModifySecurityGroupRulesRequest: { SecurityGroupRule: { SecurityGroupRule: { ReferencedGroupId: [...groupIds] } } } },
  ]);
}

/** Revokes and deletes whose request names no group ID (see `UNNAMED_GROUP_CALLS`). */
export function unnamedSecurityGroupChangePattern(): Pattern {
  return cloudTrailCall('aws.ec2', 'ec2.amazonaws.com', UNNAMED_GROUP_CALLS, { groupId: [{ exists: false }] });
}

/**
 * EKS calls on the cluster. EKS's API reference puts the cluster in the path as `name`
 * (`/clusters/{name}/node-groups/...`) while its SDKs call the member `clusterName`; either spelling
 * in the record matches, so neither makes the rule match nothing.
 */
export function clusterChangePattern(clusterName: string): Pattern {
  return cloudTrailCall('aws.eks', 'eks.amazonaws.com', EKS_CALLS, [
    { name: [clusterName] },
    { clusterName: [clusterName] },
  ]);
}

/** AWS Health events about EKS in the account and region (planned lifecycle events such as end of standard support). */
export function eksHealthPattern(): Pattern {
  return { 'source': ['aws.health'], 'detail-type': ['AWS Health Event'], 'detail': { service: ['EKS'] } };
}
