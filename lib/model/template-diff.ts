/**
 * Property-level comparison of two versions of one CloudFormation resource, and the matching of
 * changed property paths against the paths whose change replaces the resource. Pure: the paths
 * come from whoever knows the resource schemas (`IReplacementRules`).
 */

/** One path into a resource's `Properties`, e.g. `['ResourcesVpcConfig', 'SubnetIds', '2']`. */
export type PropertyPath = string[];

/** Wildcard segment of a replacement path: any array element or map key. */
export const ANY_SEGMENT = '*';

/** Leaf paths at which `before` and `after` differ (an added or removed subtree gives each of its leaves). */
export function changedPaths(before: unknown, after: unknown, prefix: PropertyPath = []): PropertyPath[] {
  if (deepEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => changedPaths(before[k], after[k], [...prefix, k]));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => changedPaths(before[i], after[i], [...prefix, String(i)])).flat();
  }
  // Different kinds of value: every leaf of either side has changed.
  const leaves = [...leafPaths(before, prefix), ...leafPaths(after, prefix)];
  const unique = new Map(leaves.map((p) => [p.join('\u0000'), p]));
  return unique.size > 0 ? [...unique.values()] : [prefix];
}

function leafPaths(value: unknown, prefix: PropertyPath): PropertyPath[] {
  if (value === undefined) return [];
  const entries = isPlainObject(value) ? Object.entries(value) : Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : [];
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/**
 * Whether a change at `changed` falls under the replacement path `rule`: the rule is a prefix of the
 * change (`*` matching any segment), the change is a prefix of the rule (a whole parent object
 * appeared or vanished), or an intrinsic function (`Fn::If`, `Ref`, ...) sits where the rule still
 * names a property: its resolved value may hold the create-only property, so it counts.
 */
export function pathMatches(rule: PropertyPath, changed: PropertyPath): boolean {
  for (let i = 0; i < rule.length; i++) {
    if (i >= changed.length) return true;
    const segment = changed[i];
    if (isIntrinsicKey(segment)) return true;
    if (rule[i] !== ANY_SEGMENT && rule[i] !== segment) return false;
  }
  return true;
}

/** `Ref`, `Fn::*` and `Condition` keys of CloudFormation intrinsic functions. */
export function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::') || key === 'Condition';
}

/** Logical IDs a value refers to through `Ref`, `Fn::GetAtt` and `Fn::Sub`, with the path to each reference. */
export function referencesIn(value: unknown, prefix: PropertyPath = []): Array<{ logicalId: string; path: PropertyPath }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => referencesIn(v, [...prefix, String(i)]));
  if (!isPlainObject(value)) return [];
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const direct = directReferences(keys[0], value[keys[0]]);
    if (direct.length > 0) return direct.map((logicalId) => ({ logicalId, path: [...prefix, keys[0]] }));
  }
  return keys.flatMap((k) => referencesIn(value[k], [...prefix, k]));
}

function directReferences(key: string, arg: unknown): string[] {
  if (key === 'Ref' && typeof arg === 'string') return [arg];
  if (key === 'Fn::GetAtt') {
    if (Array.isArray(arg) && typeof arg[0] === 'string') return [arg[0]];
    if (typeof arg === 'string') return [arg.split('.')[0]];
  }
  if (key === 'Fn::Sub') {
    const text = Array.isArray(arg) ? arg[0] : arg;
    if (typeof text !== 'string') return [];
    return [...text.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)].map((m) => m[1]);
  }
  return [];
}

/** Export names a value imports with a literal `Fn::ImportValue`, with the path to each import. */
export function importsIn(value: unknown, prefix: PropertyPath = []): Array<{ exportName: string; path: PropertyPath }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => importsIn(v, [...prefix, String(i)]));
  if (!isPlainObject(value)) return [];
  const imported = value['Fn::ImportValue'];
  if (Object.keys(value).length === 1 && typeof imported === 'string') return [{ exportName: imported, path: [...prefix, 'Fn::ImportValue'] }];
  return Object.entries(value).flatMap(([k, v]) => importsIn(v, [...prefix, k]));
}

export function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
