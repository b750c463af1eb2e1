import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ErrorScope, SafeEksError, show } from './errors';
import { InputProblem } from '../model/aws-naming-rules';

/**
 * Runtime checks of the types jsii callers (Python, Java, Go, .NET, plain JavaScript) can get
 * wrong, run before a constructor or method touches its arguments, so that a wrong or missing
 * argument is a `SafeEksError` naming it instead of a `TypeError` from deep inside aws-cdk-lib.
 */

/** What one argument or prop must be. `members` are the properties an object must have (duck-typed interfaces). */
export interface TypeSpec {
  /** `string`, `number`, `boolean`, `object`, `array` or `function`. */
  readonly type: 'string' | 'number' | 'boolean' | 'object' | 'array' | 'function';
  /** Name of the type in the message, e.g. `ec2.IVpc`. */
  readonly name?: string;
  readonly required?: boolean;
  readonly members?: readonly string[];
  /** For arrays: what each element must be. */
  readonly items?: TypeSpec;
  /** For arrays: the fewest elements allowed. */
  readonly minItems?: number;
  /** For enums: the values allowed (literal only: CDK switches on them at synth). */
  readonly oneOf?: readonly string[];
}

/** Throws the problem (an input rule of lib/model/aws-naming-rules.ts), when there is one, as a `SafeEksError` showing `value`. */
export function refuse(scope: ErrorScope, value: unknown, problem: InputProblem | undefined): void {
  if (problem) throw new SafeEksError(scope, problem.code, problem.problem, show(value), problem.fix);
}

/** True for a value known at synth: not undefined and not an unresolved token. */
export function isLiteral<T>(value: T | undefined): value is T {
  return value !== undefined && !Token.isUnresolved(value);
}

/**
 * Checks a construct's `scope` and `id` before `super(scope, id)` runs (constructs would otherwise
 * fail with an error that names neither), and returns the scope for the super call.
 */
export function requireScope<T>(what: string, scope: T, id: unknown): T {
  if (typeof scope !== 'object' || scope === null || !Construct.isConstruct(scope)) {
    throw new SafeEksError(what, 'ScopeType', '`scope` must be a construct (a Stack or a construct inside one).', describe(scope),
      `pass the stack (or a construct in it) as the first argument of new ${what}(scope, id, props)`);
  }
  checkValue(`${scope.node.path}/${String(id)}`, 'id', id, { type: 'string', required: true });
  if (id === '' || Token.isUnresolved(id)) {
    throw new SafeEksError(scope, 'ConstructId', '`id` must be a literal, non-empty construct ID.', describe(id), 'pass a construct ID such as "Cluster"');
  }
  return scope;
}

/** Throws unless `props` is an object, then checks each listed prop against its spec. */
export function checkProps(scope: ErrorScope, propsName: string, props: unknown, specs: { [prop: string]: TypeSpec }, required = true): void {
  if (props === undefined && !required) return;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw new SafeEksError(scope, 'PropsType', `\`${propsName}\` must be an object of properties.`, describe(props),
      `pass \`${propsName}\` as an object literal, for example { ... }`);
  }
  for (const [prop, spec] of Object.entries(specs)) {
    checkValue(scope, prop, (props as { [key: string]: unknown })[prop], spec);
  }
}

/** Throws unless `value` matches `spec`; tokens pass where strings, numbers or arrays are expected (CDK encodes them so). */
export function checkValue(scope: ErrorScope, name: string, value: unknown, spec: TypeSpec): void {
  if (value === undefined) {
    if (spec.required) {
      throw new SafeEksError(scope, 'MissingProp', `\`${name}\` is required.`, 'undefined', `pass \`${name}\` (${typeName(spec)})`);
    }
    return;
  }
  if (!matches(value, spec)) {
    const allowed = spec.oneOf ? ` (one of ${spec.oneOf.map((v) => JSON.stringify(v)).join(', ')})` : '';
    throw new SafeEksError(scope, 'PropType', `\`${name}\` must be ${article(typeName(spec))}${allowed}.`, describe(value),
      `pass \`${name}\` as ${article(typeName(spec))}${spec.required ? '' : ', or leave it unset'}`);
  }
  if (spec.type === 'array' && (value as unknown[]).length < (spec.minItems ?? 0)) {
    throw new SafeEksError(scope, 'TooFewItems', `\`${name}\` must have at least ${spec.minItems} element(s).`, describe(value),
      `pass \`${name}\` with at least ${spec.minItems} element(s)${spec.required ? '' : ', or leave it unset for the default'}`);
  }
  if (spec.type === 'array' && spec.items) {
    (value as unknown[]).forEach((item, i) => checkValue(scope, `${name}[${i}]`, item, { ...spec.items!, required: true }));
  }
}

function matches(value: unknown, spec: TypeSpec): boolean {
  switch (spec.type) {
    case 'array': return Array.isArray(value);
    case 'object': case 'function': {
      if (value === null || typeof value !== spec.type || Array.isArray(value)) return false;
      return (spec.members ?? []).every((member) => member in (value as object));
    }
    default: return typeof value === spec.type
      && (spec.oneOf === undefined || spec.oneOf.includes(value as string));
  }
}

function typeName(spec: TypeSpec): string {
  return spec.name ?? spec.type;
}

function article(name: string): string {
  return /^[aeiou]/i.test(name) ? `an ${name}` : `a ${name}`;
}

/** Like `show`, but says what kind of object arrived: `{}` alone would not tell a Python caller much. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    return ctor && ctor !== 'Object' ? `an object of class ${ctor}` : `an object with keys [${Object.keys(value as object).join(', ')}]`;
  }
  if (typeof value === 'string' && Token.isUnresolved(value)) return 'a token';
  return `${typeof value} ${show(value)}`;
}
