import type * as AwsServiceSpec from '@aws-cdk/aws-service-spec';
import { IReplacementRules, ReplacementPath } from '../model/change-verdicts';
import { checkValue } from '../private/guards';

// Types only (erased at compile time): service-spec-types is the schema package's own dependency.
import type { PropertyType, ResourceProperties as Properties } from '@aws-cdk/service-spec-types';

type SpecDatabase = ReturnType<typeof AwsServiceSpec.loadAwsServiceSpecSync>;

/**
 * The create-only properties of every CloudFormation resource type, nested properties included,
 * read offline from the resource schemas `@aws-cdk/aws-service-spec` ships (the database behind
 * `cdk diff`). The package is loaded on first use only: a construct-only user never loads it.
 */
export class CloudFormationSchema implements IReplacementRules {
  private database?: SpecDatabase;
  private readonly cache = new Map<string, ReplacementPath[] | undefined>();

  public replacementPaths(resourceType: string): ReplacementPath[] | undefined {
    checkValue('CloudFormationSchema.replacementPaths', 'resourceType', resourceType, { type: 'string', required: true });
    if (!this.cache.has(resourceType)) this.cache.set(resourceType, this.read(resourceType));
    return this.cache.get(resourceType);
  }

  private read(resourceType: string): ReplacementPath[] | undefined {
    const db = this.load();
    const found = db.lookup('resource', 'cloudFormationType', 'equals', resourceType);
    if (found.length !== 1) return undefined;
    const resource = found[0];
    const paths: ReplacementPath[] = [];
    collectPaths(db, resource.properties, [], paths, new Set());
    for (const extra of resource.additionalReplacementProperties ?? []) paths.push({ path: extra.join('.'), conditional: false });
    return paths;
  }

  private load(): SpecDatabase {
    if (this.database === undefined) {
      // Loaded here, not at the top: about 2.6 MB compressed and most of a second to read.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const spec = require('@aws-cdk/aws-service-spec') as typeof AwsServiceSpec;
      this.database = spec.loadAwsServiceSpecSync();
    }
    return this.database;
  }
}

/** Appends the replacement paths under `properties` at `prefix`; `seen` stops recursive type definitions. */
function collectPaths(db: SpecDatabase, properties: Properties, prefix: string[], into: ReplacementPath[], seen: Set<string>): void {
  for (const [name, property] of Object.entries(properties)) {
    const path = [...prefix, name];
    const replaces = property.causesReplacement;
    if (replaces === 'yes' || replaces === 'maybe') into.push({ path: path.join('.'), conditional: replaces === 'maybe' });
    // Below a property that always replaces, every nested change replaces too: no need to look further.
    if (replaces !== 'yes') collectTypePaths(db, property.type, path, into, seen);
  }
}

function collectTypePaths(db: SpecDatabase, type: PropertyType, path: string[], into: ReplacementPath[], seen: Set<string>): void {
  switch (type.type) {
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference);
      if (seen.has(definition.$id)) return;
      collectPaths(db, definition.properties, path, into, new Set([...seen, definition.$id]));
      return;
    }
    case 'array':
    case 'map':
      collectTypePaths(db, type.element, [...path, '*'], into, seen);
      return;
    case 'union':
      for (const member of type.types) collectTypePaths(db, member, path, into, seen);
      return;
    default:
      return;
  }
}
