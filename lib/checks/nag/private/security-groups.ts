import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { appResourcesOfType, followReference, isCfnObject, memoized, resolvedList, resolvedProperties } from './cfn';

/**
 * The attribute through which CloudFormation hands out the group EKS creates for a cluster, on both
 * `AWS::EKS::Cluster` (aws-eks-v2) and `Custom::AWSCDK-EKS-Cluster` (aws-eks). A value that leads to
 * it, directly or through an export, designates the vendor-managed group.
 */
const CLUSTER_SECURITY_GROUP_ATTRIBUTE = 'ClusterSecurityGroupId';

const APP_RULES = Symbol('appSecurityGroupRules');

export const SECURITY_GROUP_RULE_TYPES = [
  'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
];

/** What a resolved security-group value designates. */
export interface SecurityGroupIdentity {
  /** Same group, same key: the construct path of the group (or of the EKS cluster for its group), else the literal. */
  readonly key: string;
  /** The group EKS created for a cluster, whose rules EKS rewrites on updates. */
  readonly clusterCreated: boolean;
}

export enum RuleDirection {
  INGRESS = 'ingress',
  EGRESS = 'egress',
}

/** One security-group rule, whether written inline on the group or as a standalone resource. */
export interface SecurityGroupRule {
  readonly direction: RuleDirection;
  /** The group the rule is on. */
  readonly group: SecurityGroupIdentity;
  /** The group on the other side (`SourceSecurityGroupId` / `DestinationSecurityGroupId`), if any. */
  readonly peer?: SecurityGroupIdentity;
}

export function identifyGroup(stack: Stack, value: unknown): SecurityGroupIdentity {
  const target = followReference(stack, value);
  return {
    key: target?.resource?.node.path ?? JSON.stringify(value),
    clusterCreated: target?.attribute === CLUSTER_SECURITY_GROUP_ATTRIBUTE,
  };
}

/** The rules a resource declares, inline on a group or as a standalone ingress or egress resource. */
export function securityGroupRules(node: CfnResource): SecurityGroupRule[] {
  const stack = Stack.of(node);
  const props = resolvedProperties(node);
  switch (node.cfnResourceType) {
    case 'AWS::EC2::SecurityGroup': {
      const self = identifyGroup(stack, { Ref: stack.resolve(node.logicalId) });
      const ingress = resolvedList(node, props.SecurityGroupIngress, 'SecurityGroupIngress')
        .map((rule) => toRule(stack, RuleDirection.INGRESS, self, rule));
      const egress = resolvedList(node, props.SecurityGroupEgress, 'SecurityGroupEgress')
        .map((rule) => toRule(stack, RuleDirection.EGRESS, self, rule));
      return [...ingress, ...egress];
    }
    case 'AWS::EC2::SecurityGroupIngress':
      return [toRule(stack, RuleDirection.INGRESS, identifyGroup(stack, props.GroupId), props)];
    case 'AWS::EC2::SecurityGroupEgress':
      return [toRule(stack, RuleDirection.EGRESS, identifyGroup(stack, props.GroupId), props)];
    default:
      return [];
  }
}

/** Every security-group rule of the app, inline and standalone, in every stack. */
export function appSecurityGroupRules(scope: IConstruct): SecurityGroupRule[] {
  return memoized(scope, APP_RULES, () => appResourcesOfType(scope, SECURITY_GROUP_RULE_TYPES).flatMap(securityGroupRules));
}

function toRule(stack: Stack, direction: RuleDirection, group: SecurityGroupIdentity, rule: unknown): SecurityGroupRule {
  const r = isCfnObject(rule) ? rule : {};
  const peer = direction === RuleDirection.INGRESS ? r.SourceSecurityGroupId : r.DestinationSecurityGroupId;
  return { direction, group, peer: peer === undefined ? undefined : identifyGroup(stack, peer) };
}
