import { CfnReference, ResolvedValue } from './cfn-resolver';

/**
 * Attribute of an EKS cluster resource (`AWS::EKS::Cluster`, aws-eks v1 `Custom::AWSCDK-EKS-Cluster`)
 * that names the security group EKS creates for the cluster.
 */
export const EKS_CREATED_GROUP_ATTRIBUTE = 'ClusterSecurityGroupId';

/**
 * Identity of a security group, whoever names it. This module alone decides what an EKS-created
 * cluster security group is (`Fn::GetAtt <cluster>.ClusterSecurityGroupId`, directly or through an
 * export or nested-stack parameter); everything else asks a `GroupRef`.
 */
export class GroupRef {
  /** A group a template declares, or that a resource attribute or parameter names. `Ref` and `GetAtt GroupId` are the same group. */
  public static ofResource(stackId: string, logicalId: string, attribute?: string): GroupRef {
    if (attribute === EKS_CREATED_GROUP_ATTRIBUTE) return GroupRef.eksCreatedBy(stackId, logicalId);
    const suffix = attribute === undefined || attribute === 'GroupId' ? '' : `#${attribute}`;
    return new GroupRef(`${stackId}/${logicalId}${suffix}`, undefined);
  }

  /** The group EKS creates for the cluster resource `<stackId>/<logicalId>`. */
  public static eksCreatedBy(stackId: string, logicalId: string): GroupRef {
    return new GroupRef(`${stackId}/${logicalId}#${EKS_CREATED_GROUP_ATTRIBUTE}`, `${stackId}/${logicalId}`);
  }

  /** A group known only by its ID (`sg-...`), e.g. from an imported value or a live account. */
  public static literal(id: string): GroupRef {
    return new GroupRef(id, undefined);
  }

  /** The group a resolved template value names, or undefined when it names none that can be identified. */
  public static fromValue(value: ResolvedValue): GroupRef | undefined {
    if (value instanceof CfnReference) return GroupRef.ofResource(value.stackId, value.logicalId, value.attribute);
    if (typeof value === 'string' && value.length > 0 && !value.includes('{{')) return GroupRef.literal(value);
    return undefined;
  }

  private constructor(
    /** Stable string identity, as reports print it: `<stack>/<logical ID>`, `<stack>/<cluster>#ClusterSecurityGroupId`, or a literal ID. */
    public readonly key: string,
    /** For an EKS-created group: `<stack>/<logical ID>` of the cluster that created it. */
    public readonly eksCluster: string | undefined,
  ) {}

  /** The EKS-created cluster security group, whose rules EKS owns and may rewrite on upgrade. */
  public get isEksCreated(): boolean {
    return this.eksCluster !== undefined;
  }
}

/**
 * True when a resolved CloudFormation value names an EKS-created group directly
 * (`{ "Fn::GetAtt": [<cluster>, "ClusterSecurityGroupId"] }`), for construct code that has no model.
 */
export function namesEksCreatedGroup(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(namesEksCreatedGroup);
  if (typeof value !== 'object' || value === null) return false;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  const attribute = Array.isArray(getAtt) ? getAtt[1] : typeof getAtt === 'string' ? getAtt.slice(getAtt.indexOf('.') + 1) : undefined;
  return attribute === EKS_CREATED_GROUP_ATTRIBUTE || Object.values(value).some(namesEksCreatedGroup);
}
