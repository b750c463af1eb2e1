import { createHash } from 'crypto';
import { sortKeys } from './pair-state';

/**
 * Resource types whose change is a change of a color's cluster: the cluster, its node groups and
 * launch templates, the owned groups and every rule. Outputs, IAM and the manifest are not: they can
 * change without touching what serves traffic. Weights live in another stack and never count.
 */
export const CLUSTER_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
]);
const FINGERPRINT_LENGTH = 16;

/** What the guards compare for one color, recorded or about to be deployed. */
export interface ClusterSnapshot {
  readonly version: string;
  readonly fingerprint: string;
}

/**
 * A stable hash of a color stack's cluster resources (logical ID, type and properties, keys sorted),
 * from its rendered template.
 */
export function clusterFingerprint(template: { readonly Resources?: { readonly [id: string]: unknown } }): string {
  const relevant: { [id: string]: unknown } = {};
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const r = resource as { Type?: string; Properties?: unknown };
    if (r.Type !== undefined && CLUSTER_RESOURCE_TYPES.has(r.Type)) relevant[id] = { Type: r.Type, Properties: r.Properties ?? {} };
  }
  return createHash('sha256').update(JSON.stringify(sortKeys(relevant))).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/**
 * How the cluster of a color changes between what was recorded and what is about to be deployed,
 * or undefined when it does not. The one place that decides "changed": a diff engine over the two
 * assemblies can replace the fingerprint comparison here to say which resource changed.
 */
export function describeClusterChange(recorded: ClusterSnapshot, next: ClusterSnapshot): string | undefined {
  if (recorded.version !== next.version) return `version ${recorded.version} -> ${next.version}`;
  if (recorded.fingerprint !== next.fingerprint) {
    return `cluster fingerprint ${recorded.fingerprint} -> ${next.fingerprint} (its cluster, node groups, launch templates or owned rules change)`;
  }
  return undefined;
}
