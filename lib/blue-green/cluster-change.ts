import { createHash } from 'crypto';
import { sortKeys } from './pair-state';
import { ChangeSafety } from '../model/change-safety';
import { ChangeKind, IReplacementRules, ResourceChange } from '../model/change-verdicts';

/**
 * Resource types whose change is a change of a color's cluster: the cluster, its node groups and
 * launch templates, the owned groups and every rule. Outputs, IAM and the manifest are not: they can
 * change without touching what serves traffic. Weights live in another stack and never count.
 */
export const CLUSTER_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  // What runs the nodes' network (VPC CNI, kube-proxy, CoreDNS, the Pod Identity agent) and who may register targets.
  'AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation',
]);
const FINGERPRINT_LENGTH = 16;
/** Changed resources a message names before it counts the rest: a renamed cluster changes every rule's tags. */
const NAMED_CHANGES = 5;
/** Stack name the two sides of the diff share: both are the same color stack, recorded and next. */
const COLOR_STACK = 'color';

/** A color's cluster resources: logical ID -> `{ Type, Properties }`, keys sorted. */
export interface ClusterResources {
  readonly [logicalId: string]: unknown;
}

/** What the guards compare for one color, recorded or about to be deployed. */
export interface ClusterSnapshot {
  readonly version: string;
  readonly fingerprint: string;
  /**
   * The resources the fingerprint hashes, for the change-safety diff that says which one changes.
   * State files recorded before they were kept have none; the fingerprint still decides there.
   */
  readonly resources?: ClusterResources;
}

/** A color stack's cluster resources (logical ID, type and properties, keys sorted), from its rendered template. */
export function clusterResources(template: { readonly Resources?: { readonly [id: string]: unknown } }): ClusterResources {
  const relevant: { [id: string]: unknown } = {};
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const r = resource as { Type?: string; Properties?: unknown };
    if (r.Type !== undefined && CLUSTER_RESOURCE_TYPES.has(r.Type)) relevant[id] = { Type: r.Type, Properties: r.Properties ?? {} };
  }
  return sortKeys(relevant) as ClusterResources;
}

/** A stable hash of a color's cluster resources (see `clusterResources`). */
export function clusterFingerprint(resources: ClusterResources): string {
  return createHash('sha256').update(JSON.stringify(resources)).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/** How a color's cluster changes, and whether every change is one CloudFormation makes in place. */
export interface ClusterChange {
  readonly description: string;
  /**
   * True when the version stays and each changed resource is updated in place or added: nothing is
   * replaced or removed (and the state file recorded the resources, so the diff could tell).
   */
  readonly inPlaceOnly: boolean;
}

/**
 * How the cluster of a color changes between what was recorded and what is about to be deployed,
 * or undefined when it does not. The change-safety diff engine decides, resource by resource, with the
 * create-only properties of `rules` (asked only when something changed, so an unchanged color never
 * loads the schemas); a recorded color without resources falls back to its fingerprint.
 */
export function clusterChange(recorded: ClusterSnapshot, next: ClusterSnapshot, rules: () => IReplacementRules): ClusterChange | undefined {
  const parts: string[] = [];
  let inPlaceOnly = recorded.version === next.version;
  if (recorded.version !== next.version) parts.push(`version ${recorded.version} -> ${next.version}`);
  if (recorded.fingerprint !== next.fingerprint) {
    if (recorded.resources === undefined || next.resources === undefined) {
      inPlaceOnly = false;
      parts.push(`cluster fingerprint ${recorded.fingerprint} -> ${next.fingerprint} (its cluster, node groups, launch templates or owned rules change; `
        + 'the state file records no resources for this color, so `cdk-safe-eks pair record` after the next deploy lets this message name them)');
    } else {
      const changes = resourceChanges(recorded.resources, next.resources, rules());
      inPlaceOnly &&= changes.every((c) => IN_PLACE.has(c.change));
      // Replacements first: they are what would take the live cluster down; the cluster itself leads,
      // since the add-ons, associations and node groups that name it are replaced because it is.
      const ordered = [...changes].sort((a, b) => rank(a) - rank(b) || Number(b.category === 'EKS cluster') - Number(a.category === 'EKS cluster'));
      const named = ordered.slice(0, NAMED_CHANGES).map(describeResourceChange);
      if (ordered.length > NAMED_CHANGES) named.push(`and ${ordered.length - NAMED_CHANGES} more resources (\`cdk-safe-eks diff\` lists them all)`);
      if (named.length > 0) parts.push(named.join('; '));
    }
  }
  return parts.length > 0 ? { description: parts.join('; '), inPlaceOnly } : undefined;
}

/** What CloudFormation does to a live cluster's resources without taking any away. */
const IN_PLACE: ReadonlySet<ChangeKind> = new Set([ChangeKind.UPDATED, ChangeKind.ADDED]);

/** The resources that change between two records of one color, as the change-safety diff engine judges them. */
function resourceChanges(recorded: ClusterResources, next: ClusterResources, rules: IReplacementRules): ResourceChange[] {
  const side = (resources: ClusterResources) => [{ stackName: COLOR_STACK, template: { Resources: { ...resources } } }];
  return ChangeSafety.compare(side(recorded), side(next), rules).resources.filter((r) => r.change !== ChangeKind.UNCHANGED);
}

function rank(change: ResourceChange): number {
  return change.change === ChangeKind.REPLACED ? 0 : change.change === ChangeKind.REMOVED ? 1 : change.change === ChangeKind.MAY_BE_REPLACED ? 2 : 3;
}

function describeResourceChange(change: ResourceChange): string {
  const what = `${change.logicalId} (${change.type}) ${change.change}`;
  if (change.change === ChangeKind.REPLACED || change.change === ChangeKind.MAY_BE_REPLACED) return `${what}: ${change.reasons.join(', ')}`;
  return change.changedProperties.length > 0 ? `${what}: ${change.changedProperties.join(', ')}` : what;
}
