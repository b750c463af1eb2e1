/**
 * Evaluates CloudFormation intrinsics across the stacks of one cloud assembly, far enough to tell
 * which security group a property names. Nothing is looked up in AWS: a value that only exists at
 * deploy time (a parameter, a pseudo parameter, an attribute of a resource) becomes a `CfnReference`
 * that still identifies it, and anything that cannot be followed becomes `Unresolved` with a reason.
 */

/** A template as parsed from JSON; only the sections the model reads are typed. */
export interface CfnTemplate {
  readonly Resources?: { [logicalId: string]: CfnResourceJson };
  readonly Outputs?: { [name: string]: { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } } };
  readonly Parameters?: { [name: string]: unknown };
}

/** One resource of a template. */
export interface CfnResourceJson {
  readonly Type?: unknown;
  readonly Properties?: { [key: string]: unknown };
  readonly Metadata?: { [key: string]: unknown };
}

/** One template of the assembly, top-level or nested. */
export interface LoadedStack {
  /** Unique in the assembly: the artifact ID, or `<parent id>/<logical ID of the AWS::CloudFormation::Stack>`. */
  readonly id: string;
  readonly template: CfnTemplate;
  /** File the template was read from, when it came from disk. */
  readonly templatePath?: string;
  /** For a nested stack: the parent stack and the logical ID of the resource that creates it. */
  readonly parent?: { readonly stackId: string; readonly logicalId: string };
}

/** A value only known at deploy time, kept as the thing that produces it. */
export class CfnReference {
  constructor(
    public readonly stackId: string,
    public readonly logicalId: string,
    /** `undefined` for `Ref`; the attribute name for `Fn::GetAtt`; `Parameter` for a template parameter. */
    public readonly attribute?: string,
  ) {}

  /** Stable identity; `Ref` and `GetAtt GroupId` of a security group are the same group. */
  public get key(): string {
    const attribute = this.attribute === 'GroupId' ? undefined : this.attribute;
    return attribute === undefined ? `${this.stackId}/${this.logicalId}` : `${this.stackId}/${this.logicalId}#${attribute}`;
  }
}

/** A value the resolver could not follow, with why. */
export class Unresolved {
  constructor(public readonly reason: string) {}
}

export type ResolvedValue =
  | string | number | boolean | null | undefined
  | CfnReference | Unresolved | ResolvedValue[] | { [key: string]: ResolvedValue };

/** Default port by engine, used when a data store leaves `Port` unset (`Fn::GetAtt <store>.Endpoint.Port`). */
const ENGINE_PORTS: ReadonlyArray<[RegExp, number]> = [
  [/postgres/, 5432], [/mysql|mariadb|^aurora$/, 3306], [/oracle/, 1521], [/sqlserver/, 1433], [/db2/, 50000],
  [/redis|valkey/, 6379], [/memcached/, 11211],
];
const STORE_PORT_TYPES = new Set([
  'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ServerlessCache',
]);

/** Intrinsic resolution over all stacks of an assembly; exports and nested stacks are followed. */
export class CfnResolver {
  private readonly stacks = new Map<string, LoadedStack>();
  private readonly exports = new Map<string, { stackId: string; value: unknown }>();
  private readonly nestedChild = new Map<string, string>();
  private readonly importsInProgress = new Set<string>();

  constructor(stacks: readonly LoadedStack[]) {
    for (const stack of stacks) {
      this.stacks.set(stack.id, stack);
      if (stack.parent) this.nestedChild.set(`${stack.parent.stackId}/${stack.parent.logicalId}`, stack.id);
    }
    for (const stack of stacks) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        const name = this.resolve(output?.Export?.Name, stack.id);
        if (typeof name === 'string') this.exports.set(name, { stackId: stack.id, value: output.Value });
      }
    }
  }

  public resource(stackId: string, logicalId: string): CfnResourceJson | undefined {
    return this.stacks.get(stackId)?.template.Resources?.[logicalId];
  }

  /** The resource a reference points at, when it is a resource of the assembly. */
  public target(ref: CfnReference): CfnResourceJson | undefined {
    return ref.attribute === 'Parameter' ? undefined : this.resource(ref.stackId, ref.logicalId);
  }

  /** Evaluates `value` as it would be in stack `stackId`. */
  public resolve(value: unknown, stackId: string): ResolvedValue {
    if (value === null || typeof value !== 'object') return value as ResolvedValue;
    // Already resolved: attachments hand resolved sub-values back in.
    if (value instanceof CfnReference || value instanceof Unresolved) return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, stackId));
    const entries = Object.entries(value as { [key: string]: unknown });
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref') return this.resolveRef(arg, stackId);
      if (key.startsWith('Fn::')) return this.resolveFunction(key, arg, stackId);
    }
    const out: { [key: string]: ResolvedValue } = {};
    for (const [k, v] of entries) out[k] = this.resolve(v, stackId);
    return out;
  }

  /** Resolves to a string; references inside joins become `{{key}}` placeholders so names still compare. */
  public resolveString(value: unknown, stackId: string): string | Unresolved {
    return stringify(this.resolve(value, stackId));
  }

  private resolveRef(name: unknown, stackId: string): ResolvedValue {
    if (typeof name !== 'string') return new Unresolved(`Ref to a non-string ${JSON.stringify(name)}`);
    if (name.startsWith('AWS::')) return new Unresolved(`pseudo parameter ${name}`);
    const stack = this.stacks.get(stackId);
    if (stack?.template.Resources?.[name] !== undefined) return new CfnReference(stackId, name);
    if (stack?.template.Parameters?.[name] !== undefined) {
      // A nested stack's parameter is whatever its parent passes in.
      if (stack.parent) {
        const parentResource = this.resource(stack.parent.stackId, stack.parent.logicalId);
        const passed = (parentResource?.Properties?.Parameters as { [key: string]: unknown } | undefined)?.[name];
        if (passed !== undefined) return this.resolve(passed, stack.parent.stackId);
      }
      return new CfnReference(stackId, name, 'Parameter');
    }
    return new Unresolved(`Ref ${name} names nothing in stack ${stackId}`);
  }

  private resolveFunction(fn: string, arg: unknown, stackId: string): ResolvedValue {
    switch (fn) {
      case 'Fn::GetAtt': return this.resolveGetAtt(arg, stackId);
      case 'Fn::ImportValue': return this.resolveImport(arg, stackId);
      case 'Fn::Join': return this.resolveJoin(arg, stackId);
      case 'Fn::Select': return this.resolveSelect(arg, stackId);
      case 'Fn::Sub': return this.resolveSub(arg, stackId);
      default: return new Unresolved(`${fn} is not evaluated`);
    }
  }

  private resolveGetAtt(arg: unknown, stackId: string): ResolvedValue {
    const [logicalId, attribute] = typeof arg === 'string'
      ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)]
      : Array.isArray(arg) ? [arg[0], arg[1]] : [undefined, undefined];
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
      return new Unresolved(`Fn::GetAtt with unexpected arguments ${JSON.stringify(arg)}`);
    }
    const resource = this.resource(stackId, logicalId);
    if (resource === undefined) return new Unresolved(`Fn::GetAtt ${logicalId}.${attribute}: no such resource in ${stackId}`);
    if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const childId = this.nestedChild.get(`${stackId}/${logicalId}`);
      const child = childId === undefined ? undefined : this.stacks.get(childId);
      const output = child?.template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!child || !output) return new Unresolved(`Fn::GetAtt ${logicalId}.${attribute}: nested template or output not in the assembly`);
      return this.resolve(output.Value, child.id);
    }
    if (STORE_PORT_TYPES.has(String(resource.Type)) && attribute.endsWith('Port')) {
      return storePort(resource) ?? new Unresolved(`port of ${logicalId} (no Port property and unknown engine)`);
    }
    // A VPC's CIDR is a property: rules that name `Fn::GetAtt <vpc>.CidrBlock` get a literal peer.
    if (resource.Type === 'AWS::EC2::VPC' && attribute === 'CidrBlock' && resource.Properties?.CidrBlock !== undefined) {
      return this.resolve(resource.Properties.CidrBlock, stackId);
    }
    return new CfnReference(stackId, logicalId, attribute);
  }

  private resolveImport(arg: unknown, stackId: string): ResolvedValue {
    const name = this.resolveString(arg, stackId);
    if (name instanceof Unresolved) return new Unresolved(`Fn::ImportValue of an unresolvable name (${name.reason})`);
    const exported = this.exports.get(name);
    if (!exported) return new Unresolved(`Fn::ImportValue ${name}: no stack in the assembly exports it`);
    if (this.importsInProgress.has(name)) return new Unresolved(`Fn::ImportValue ${name}: circular export`);
    this.importsInProgress.add(name);
    try {
      return this.resolve(exported.value, exported.stackId);
    } finally {
      this.importsInProgress.delete(name);
    }
  }

  private resolveJoin(arg: unknown, stackId: string): ResolvedValue {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
      return new Unresolved(`Fn::Join with unexpected arguments ${JSON.stringify(arg)}`);
    }
    const list = this.resolve(arg[1], stackId);
    if (!Array.isArray(list)) return list instanceof Unresolved ? list : new Unresolved('Fn::Join of a non-list');
    const parts: string[] = [];
    for (const part of list) {
      const text = stringify(part);
      if (text instanceof Unresolved) return text;
      parts.push(text);
    }
    return parts.join(arg[0]);
  }

  private resolveSelect(arg: unknown, stackId: string): ResolvedValue {
    if (!Array.isArray(arg) || arg.length !== 2) return new Unresolved('Fn::Select with unexpected arguments');
    const index = Number(this.resolve(arg[0], stackId));
    const list = this.resolve(arg[1], stackId);
    if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
      return new Unresolved('Fn::Select over a list that is not known at synth time');
    }
    return list[index];
  }

  private resolveSub(arg: unknown, stackId: string): ResolvedValue {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [undefined, {}];
    if (typeof text !== 'string') return new Unresolved('Fn::Sub with unexpected arguments');
    let failure: Unresolved | undefined;
    const out = text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
      const local = (vars as { [key: string]: unknown })[name];
      const value = local !== undefined ? this.resolve(local, stackId)
        : name.includes('.') ? this.resolveGetAtt(name, stackId) : this.resolveRef(name, stackId);
      const s = stringify(value);
      if (s instanceof Unresolved) {
        failure = failure ?? s;
        return '';
      }
      return s;
    });
    return failure ?? out;
  }
}

function stringify(value: ResolvedValue): string | Unresolved {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof CfnReference) return `{{${value.key}}}`;
  if (value instanceof Unresolved) return value;
  return new Unresolved(`a ${Array.isArray(value) ? 'list' : typeof value} where a string was expected`);
}

/** The port clients use for a data store: its `Port` property or the engine's default. */
export function storePort(resource: CfnResourceJson): number | undefined {
  const props = resource.Properties ?? {};
  const port = Number(props.Port);
  if (props.Port !== undefined && Number.isInteger(port)) return port;
  const engine = String(props.Engine ?? '').toLowerCase();
  return ENGINE_PORTS.find(([pattern]) => pattern.test(engine))?.[1];
}
