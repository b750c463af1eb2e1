import { CfnReference, CfnResolver, CfnTemplate, LoadedStack, ResolvedValue } from './cfn-resolver';
import { readEksCluster } from './eks-resources';
import { isJsonObject } from './json';
import { StackTemplate } from './stack-template';

/** What a cluster's guardrails must watch, as granular findings of `EksUpgradeSafety-EGR1`. */
export const GuardrailGap = {
  /** No enabled EC2 rule names the EKS-created group and every control-plane group of the cluster. */
  SECURITY_GROUP_CHANGES: 'SecurityGroupChanges',
  /** No enabled EKS rule names the cluster. */
  CLUSTER_CHANGES: 'ClusterChanges',
} as const;
export type GuardrailGap = (typeof GuardrailGap)[keyof typeof GuardrailGap];

const EVENTS_RULE = 'AWS::Events::Rule';

/**
 * Which clusters of an app have run-time guardrails: EventBridge rules whose patterns name the cluster
 * (EKS calls) and its security groups (EC2 calls). Judged on the templates, so any rule that does the
 * job counts, whoever wrote it; a reference is followed through exports and nested stacks.
 */
export class GuardrailCoverage {
  public static fromTemplates(templates: readonly StackTemplate[]): GuardrailCoverage {
    return new GuardrailCoverage(templates.map((t): LoadedStack => {
      const parent = t.parentStackName !== undefined && t.parentLogicalId !== undefined ? { stackId: t.parentStackName, logicalId: t.parentLogicalId } : undefined;
      return { id: parent ? `${parent.stackId}/${parent.logicalId}` : t.stackName, template: t.template as CfnTemplate, parent };
    }));
  }

  private readonly resolver: CfnResolver;
  /** Leaf values of each enabled rule's pattern, by the `source` it matches. */
  private readonly watched: { readonly sources: ResolvedValue[]; readonly values: ResolvedValue[] }[] = [];

  private constructor(stacks: readonly LoadedStack[]) {
    this.resolver = new CfnResolver(stacks);
    for (const stack of stacks) {
      for (const resource of Object.values(stack.template.Resources ?? {})) {
        if (resource.Type !== EVENTS_RULE || resource.Properties?.State === 'DISABLED') continue;
        const pattern = this.resolver.resolve(resource.Properties?.EventPattern, stack.id);
        if (!isResolvedObject(pattern)) continue;
        this.watched.push({ sources: leaves(pattern.source), values: leaves(pattern.detail) });
      }
    }
  }

  /** What the cluster `<stack>/<logical ID>` lacks; empty when both its groups and its configuration are watched. */
  public gaps(clusterKey: string): GuardrailGap[] {
    const slash = clusterKey.lastIndexOf('/');
    const [stackId, logicalId] = [clusterKey.slice(0, slash), clusterKey.slice(slash + 1)];
    const resource = this.resolver.resource(stackId, logicalId);
    const fields = resource && readEksCluster(resource.Type, (resource.Properties ?? {}) as never);
    if (fields === undefined) return [];
    const groups = [`${clusterKey}#ClusterSecurityGroupId`, ...leaves(this.resolver.resolve(fields.securityGroupIds, stackId)).map(keyOf)];
    const names = new Set([clusterKey, keyOf(this.resolver.resolve(fields.name, stackId))]);
    const gaps: GuardrailGap[] = [];
    const rulesOf = (source: string) => this.watched.filter((w) => w.sources.includes(source)).map((w) => new Set(w.values.map(keyOf)));
    if (!rulesOf('aws.ec2').some((values) => groups.every((g) => values.has(g)))) gaps.push(GuardrailGap.SECURITY_GROUP_CHANGES);
    if (!rulesOf('aws.eks').some((values) => [...names].some((n) => values.has(n)))) gaps.push(GuardrailGap.CLUSTER_CHANGES);
    return gaps;
  }
}

function isResolvedObject(value: ResolvedValue): value is { [key: string]: ResolvedValue } {
  return isJsonObject(value as never);
}

/** Every scalar and reference inside a resolved value. */
function leaves(value: ResolvedValue): ResolvedValue[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value instanceof CfnReference || value === null || typeof value !== 'object') return [value];
  return Object.values(value).flatMap(leaves);
}

/** A comparable key: a reference by what it names (`Ref` of a group and its `GroupId` are one), a literal as itself. */
function keyOf(value: ResolvedValue): string {
  return value instanceof CfnReference ? value.key : JSON.stringify(value);
}
