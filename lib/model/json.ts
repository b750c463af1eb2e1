/** A JSON object as parsed from a template or manifest. */
export interface JsonObject {
  readonly [key: string]: unknown;
}

/**
 * A plain object: not null, not an array, not an instance of a class (a resolved reference, an
 * `Error` from a failed read). The one test every reader of templates and manifests uses.
 */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  // Compared by name, not identity: test runners and bundlers may hand over objects from another realm.
  return proto === null || (proto as { constructor?: { name?: string } }).constructor?.name === 'Object';
}
