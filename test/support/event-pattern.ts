/**
 * EventBridge event-pattern matching, offline, as the EventBridge user guide describes it ("Event
 * patterns", "Arrays", "Content filtering", "Matching null values and empty strings"). No npm package
 * implements it (event-ruler is Java; the Python ports and serverless plugins are no dependency for a
 * TypeScript test), so this one is tested on the guide's own examples in event-pattern.test.ts.
 *
 * Semantics: every key of the pattern must match (AND); the values of a leaf array are alternatives
 * (OR); when the event holds an array, any element may match; a nested object matches an event object
 * or any object in an event array; `$or` lists alternative sub-patterns at its level; a field missing
 * from the event matches only `{ "exists": false }`.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return matchObject(pattern as { [key: string]: unknown }, event);
}

function matchObject(pattern: { [key: string]: unknown }, event: unknown): boolean {
  if (Array.isArray(event)) return event.some((element) => matchObject(pattern, element));
  const object = typeof event === 'object' && event !== null ? event as { [key: string]: Json } : undefined;
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as { [key: string]: unknown }[]).some((alternative) => matchObject(alternative, event));
    const value = object?.[key];
    if (Array.isArray(expected)) return matchLeaf(expected, value, object !== undefined && key in object);
    if (typeof expected !== 'object' || expected === null) throw new Error(`pattern field ${key} must be an array or an object, got ${JSON.stringify(expected)}`);
    if (value === undefined || value === null || typeof value !== 'object') return false;
    return matchObject(expected as { [key: string]: unknown }, value);
  });
}

/** A leaf: the event value (a scalar, or each element of an array of scalars) against any matcher. */
function matchLeaf(matchers: unknown[], value: Json | undefined, present: boolean): boolean {
  const values: Json[] = Array.isArray(value) ? value : [value as Json];
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) {
      const leafPresent = present && !(typeof value === 'object' && value !== null && !Array.isArray(value));
      return matcher.exists === leafPresent;
    }
    if (!present) return false;
    return values.some((v) => matchValue(matcher, v));
  });
}

function matchValue(matcher: unknown, value: Json): boolean {
  if (!isObject(matcher)) return matcher === value;
  const [[operator, operand]] = Object.entries(matcher);
  switch (operator) {
    case 'prefix': return typeof value === 'string' && affix(operand, value, (v, s) => v.startsWith(s));
    case 'suffix': return typeof value === 'string' && affix(operand, value, (v, s) => v.endsWith(s));
    case 'equals-ignore-case': return typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'wildcard': return typeof value === 'string' && wildcard(operand as string).test(value);
    case 'numeric': return typeof value === 'number' && numeric(operand as unknown[], value);
    case 'anything-but': {
      if (isObject(operand)) return !matchValue(operand, value);
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.includes(value);
    }
    default: throw new Error(`matcher ${operator} is not implemented`);
  }
}

function affix(operand: unknown, value: string, test: (value: string, affix: string) => boolean): boolean {
  if (isObject(operand) && typeof operand['equals-ignore-case'] === 'string') return test(value.toLowerCase(), (operand['equals-ignore-case'] as string).toLowerCase());
  return typeof operand === 'string' && test(value, operand);
}

function numeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = conditions[i + 1] as number;
    const ok = { '<': value < bound, '<=': value <= bound, '=': value === bound, '>': value > bound, '>=': value >= bound }[conditions[i] as string];
    if (ok === undefined) throw new Error(`numeric operator ${String(conditions[i])} is not implemented`);
    if (!ok) return false;
  }
  return true;
}

function wildcard(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function isObject(x: unknown): x is { [key: string]: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
