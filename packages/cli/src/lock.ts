import * as fs from 'fs';
import * as path from 'path';
import type { ConnectivityReport } from 'cdk-safe-eks/dist/lib/model/flow-model';
import type { StackTemplate } from 'cdk-safe-eks/dist/lib/model/stack-template';

/** What `lock` keeps from being replaced or deleted, by type: clusters, owned groups and data stores (rules carrying a required flow come from the proof). */
export const LOCKED_TYPES: ReadonlySet<string> = new Set([
  'AWS::EKS::Cluster', 'AWS::EC2::SecurityGroup',
  'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance',
  'AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ServerlessCache',
  'AWS::SecretsManager::Secret', 'AWS::KMS::Key',
]);

/** A CloudFormation stack policy (the JSON `SetStackPolicy` takes). */
export interface StackPolicy {
  readonly Statement: Array<{ readonly Effect: string; readonly Action: string | string[]; readonly Principal: string; readonly Resource: string | string[] }>;
}

export interface StackLock {
  readonly stackName: string;
  readonly policy: StackPolicy;
  /** Logical IDs the policy denies `Update:Replace` and `Update:Delete` on. */
  readonly locked: string[];
  /** Logical IDs that would be locked but were lifted, each with the reason (a retired color, a named replacement). */
  readonly lifted: Array<{ readonly logicalId: string; readonly reason: string }>;
}

export interface LockOptions {
  /** Stacks whose every resource is lifted: a color being retired (by color name through the pair files, or by stack name). */
  readonly retiredStacks: ReadonlySet<string>;
  /** `<stack>/<logical ID>` of each planned replacement to lift. */
  readonly replacements: ReadonlySet<string>;
}

/**
 * The stack policy of each stack: allow every update, then deny replacing or deleting its clusters,
 * owned groups, data stores, secrets, KMS keys and the rules a required flow rests on. Lifted
 * resources stay allowed, and are listed so the command can say so.
 */
export function lockPolicies(templates: readonly StackTemplate[], report: ConnectivityReport, options: LockOptions): StackLock[] {
  const flowRules = new Set(report.flows.flatMap((f) => f.restsOn).filter((r) => r.inlineAt === undefined).map((r) => `${r.stack}/${r.logicalId}`));
  return templates.filter((t) => t.parentStackName === undefined).map((t) => {
    const resources = Object.entries((t.template.Resources ?? {}) as { [id: string]: { Type?: string } });
    const candidates = resources.filter(([id, r]) => LOCKED_TYPES.has(r.Type ?? '') || flowRules.has(`${t.stackName}/${id}`)).map(([id]) => id).sort();
    const lifted = candidates.flatMap((logicalId) => {
      if (options.retiredStacks.has(t.stackName)) return [{ logicalId, reason: `stack ${t.stackName} is being retired` }];
      if (options.replacements.has(`${t.stackName}/${logicalId}`)) return [{ logicalId, reason: 'a planned replacement' }];
      return [];
    });
    const locked = candidates.filter((id) => !lifted.some((l) => l.logicalId === id));
    const Statement: StackPolicy['Statement'] = [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }];
    if (locked.length > 0) {
      Statement.push({ Effect: 'Deny', Action: ['Update:Replace', 'Update:Delete'], Principal: '*', Resource: locked.map((id) => `LogicalResourceId/${id}`) });
    }
    return { stackName: t.stackName, policy: { Statement }, locked, lifted };
  });
}

/**
 * The stacks `--retire` names: a stack name as it is, a color (`blue`, `green`) through the pair files
 * of the assembly (`<pair>.blue-green.json`): the stack whose cluster has that color's name.
 */
export function retiredStacks(assemblyDir: string, templates: readonly StackTemplate[], names: readonly string[]): { stacks: Set<string>; unknown: string[] } {
  const stacks = new Set<string>();
  const unknown: string[] = [];
  const pairFiles = fs.readdirSync(assemblyDir).filter((f) => f.endsWith('.blue-green.json'));
  for (const name of names) {
    if (templates.some((t) => t.stackName === name)) {
      stacks.add(name);
      continue;
    }
    const clusterNames = pairFiles.map((f) => (JSON.parse(fs.readFileSync(path.join(assemblyDir, f), 'utf8')) as { [color: string]: { clusterName?: string } })[name.toLowerCase()]?.clusterName)
      .filter((n): n is string => typeof n === 'string');
    const found = templates.filter((t) => Object.values((t.template.Resources ?? {}) as { [id: string]: { Type?: string; Properties?: { Name?: unknown } } })
      .some((r) => r.Type === 'AWS::EKS::Cluster' && clusterNames.includes(r.Properties?.Name as string)));
    if (found.length === 0) unknown.push(name);
    for (const t of found) stacks.add(t.stackName);
  }
  return { stacks, unknown };
}
