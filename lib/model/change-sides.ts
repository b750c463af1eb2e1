import { StackTemplate } from './stack-template';
import { importsIn, isPlainObject } from './template-diff';

// One side of a change-safety comparison, read from its templates: resources, exports and imports by stack.

/** A resource of a template, as the comparison reads it. */
export interface Resource {
  readonly Type?: unknown;
  readonly Properties?: unknown;
  readonly DeletionPolicy?: unknown;
  readonly UpdateReplacePolicy?: unknown;
  readonly DependsOn?: unknown;
  readonly Condition?: unknown;
  readonly Metadata?: unknown;
}

/** The stacks of one side, with their exports and who imports them. */
export interface Side {
  readonly stacks: Map<string, { [logicalId: string]: Resource }>;
  readonly exports: Map<string, { stack: string; value: unknown }>;
  /** Export name -> stacks that import it. */
  readonly imports: Map<string, Set<string>>;
}

const DELETION_PROTECTED_TYPES = new Set(['AWS::EKS::Cluster', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance']);

/** The template-level `Metadata` of each stack, by stack name. */
export function templateMetadata(templates: StackTemplate[]): { [stack: string]: unknown } {
  return Object.fromEntries(templates.filter((t) => t.template.Metadata !== undefined).map((t) => [stackId(t), t.template.Metadata]));
}

/** An EKS cluster or RDS database with deletion protection on. */
export function isDeletionProtected(resource: Resource): boolean {
  if (!DELETION_PROTECTED_TYPES.has(String(resource.Type))) return false;
  const value = isPlainObject(resource.Properties) ? resource.Properties.DeletionProtection : undefined;
  return value === true || value === 'true';
}

/** The resources, exports and imports of each stack of `templates`. */
export function readSide(templates: StackTemplate[]): Side {
  const side: Side = { stacks: new Map(), exports: new Map(), imports: new Map() };
  for (const t of templates) {
    const stack = stackId(t);
    const resources = isPlainObject(t.template.Resources) ? t.template.Resources as { [id: string]: Resource } : {};
    side.stacks.set(stack, resources);
    const outputs = isPlainObject(t.template.Outputs) ? t.template.Outputs : {};
    for (const output of Object.values(outputs)) {
      const name = isPlainObject(output) && isPlainObject(output.Export) ? output.Export.Name : undefined;
      if (typeof name === 'string') side.exports.set(name, { stack, value: (output as { Value?: unknown }).Value });
    }
    for (const { exportName } of importsIn([t.template.Resources, t.template.Outputs])) {
      side.imports.set(exportName, new Set([...side.imports.get(exportName) ?? [], stack]));
    }
  }
  return side;
}

/** The name a stack goes by in the comparison (and in `FlowModel`): nested stacks as `<parent>/<logical ID>`. */
export function stackId(t: StackTemplate): string {
  return t.parentStackName !== undefined && t.parentLogicalId !== undefined ? `${t.parentStackName}/${t.parentLogicalId}` : t.stackName;
}
