/**
 * Argument checks for the public entry points of the pure model (`FlowModel`, `RequiredFlows`, `ChangeSafety`), which
 * jsii callers reach without a construct: a wrong argument is an `InvalidArgumentError` naming it, in
 * the library's `where: problem Got: value. Fix: fix` form, never a `TypeError` from inside.
 */
import { ErrorCode } from './error-codes';
import { CodedError } from './errors';

/** A model entry point was called with an argument of the wrong type. */
export class InvalidArgumentError extends CodedError {
  constructor(where: string, code: ErrorCode, problem: string, received: string, fix: string) {
    super('InvalidArgumentError', where, code, problem, received, fix);
  }
}

type Kind = 'string' | 'boolean' | 'number' | 'object' | 'array';

/** Throws unless `value` is of `kind` (or undefined, when `optional`). */
export function requireArgument(where: string, name: string, value: unknown, kind: Kind, optional = false): void {
  if (value === undefined) {
    if (optional) return;
    throw new InvalidArgumentError(where, 'MissingArgument', `\`${name}\` is required.`, 'undefined', `pass \`${name}\` (${kind})`);
  }
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (actual !== kind) {
    throw new InvalidArgumentError(where, 'ArgumentType', `\`${name}\` must be ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}.`,
      `${actual}${actual === 'object' || actual === 'array' ? '' : ` ${String(value)}`}`, `pass \`${name}\` as ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}`);
  }
}

/** `FlowModel.fromTemplates` (and the two sides of `ChangeSafety.compare`): an array of `{ stackName, template }` objects. */
export function checkStackTemplates(templates: unknown, where = 'FlowModel.fromTemplates', name = 'templates'): void {
  requireArgument(where, name, templates, 'array');
  (templates as unknown[]).forEach((t, i) => {
    requireArgument(where, `${name}[${i}]`, t, 'object');
    const entry = t as { [key: string]: unknown };
    requireArgument(where, `${name}[${i}].stackName`, entry.stackName, 'string');
    requireArgument(where, `${name}[${i}].template`, entry.template, 'object');
    for (const key of ['templatePath', 'parentStackName', 'parentLogicalId']) {
      requireArgument(where, `${name}[${i}].${key}`, entry[key], 'string', true);
    }
  });
}

/** `ChangeSafety.compare`: two arrays of templates, an `IReplacementRules` and optional `ChangeSafetyOptions`. */
export function checkCompareArguments(before: unknown, after: unknown, rules: unknown, options: unknown): void {
  const where = 'ChangeSafety.compare';
  checkStackTemplates(before, where, 'before');
  checkStackTemplates(after, where, 'after');
  requireArgument(where, 'rules', rules, 'object');
  if (typeof (rules as { replacementPaths?: unknown }).replacementPaths !== 'function') {
    throw new InvalidArgumentError(where, 'ArgumentType', '`rules` must implement IReplacementRules (a `replacementPaths` method).',
      `an object with keys [${Object.keys(rules as object).join(', ')}]`, 'pass new CloudFormationSchema(), or an object with a replacementPaths(resourceType) method');
  }
  requireArgument(where, 'options', options, 'object', true);
  const o = (options ?? {}) as { [key: string]: unknown };
  requireArgument(where, 'options.webhookFlows', o.webhookFlows, 'boolean', true);
  requireArgument(where, 'options.retiredStacks', o.retiredStacks, 'array', true);
  ((o.retiredStacks ?? []) as unknown[]).forEach((s, i) => requireArgument(where, `options.retiredStacks[${i}]`, s, 'string'));
  requireArgument(where, 'options.intents', o.intents, 'array', true);
  ((o.intents ?? []) as unknown[]).forEach((intent, i) => {
    requireArgument(where, `options.intents[${i}]`, intent, 'object');
    if (typeof (intent as { judge?: unknown }).judge !== 'function') {
      throw new InvalidArgumentError(where, 'ArgumentType', `\`options.intents[${i}]\` must implement IChangeIntent (a \`judge\` method).`,
        `an object with keys [${Object.keys(intent as object).join(', ')}]`, 'pass new PairChangeIntent(), or an object with a judge(change) method');
    }
  });
}

/** `FlowModel.evaluate`: an options object with an optional boolean and an optional array of strings. */
export function checkEvaluationOptions(options: unknown): void {
  const where = 'FlowModel.evaluate';
  requireArgument(where, 'options', options, 'object');
  const o = options as { [key: string]: unknown };
  requireArgument(where, 'options.webhookFlows', o.webhookFlows, 'boolean', true);
  requireArgument(where, 'options.clusters', o.clusters, 'array', true);
  ((o.clusters ?? []) as unknown[]).forEach((c, i) => requireArgument(where, `options.clusters[${i}]`, c, 'string'));
}
