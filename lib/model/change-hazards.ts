/**
 * Changes whose resources the create-only rules call safe, but whose deploy breaks what it leaves in
 * place: a secret that generates a new value under a store that reads it by dynamic reference, and a
 * resource created under a key that the resource it replaces still holds. Pure: reads the two sides
 * and the per-resource verdicts of `ChangeSafety`.
 */
import { Side } from './change-sides';
import { ChangeFinding, ChangeKind, FindingKind } from './change-verdicts';
import { deepEqual, isPlainObject, referencesIn } from './template-diff';
import { UNIQUE_KEYS } from './unique-keys';

/** What `ChangeSafety` decided about one resource. */
export interface HazardVerdict {
  readonly change: ChangeKind;
  readonly changedProperties: string[];
}

export type VerdictOf = (stack: string, logicalId: string) => HazardVerdict | undefined;

const SECRET_TYPE = 'AWS::SecretsManager::Secret';
/** Properties of a secret whose change gives it a new value on update. */
const VALUE_PROPERTIES = ['GenerateSecretString', 'SecretString'];
/** Stores that take a credential at create and never read the secret again by themselves. */
const CREDENTIAL_READERS: { [type: string]: string } = {
  'AWS::RDS::DBCluster': 'database',
  'AWS::RDS::DBInstance': 'database',
  'AWS::ElastiCache::ReplicationGroup': 'cache',
  'AWS::ElastiCache::User': 'cache user',
  'AWS::DocDB::DBCluster': 'database',
  'AWS::Redshift::Cluster': 'database',
};

/**
 * A secret whose value the deploy regenerates while a store of its stack reads it through
 * `{{resolve:secretsmanager:...}}` text that does not change: CloudFormation updates the secret and leaves
 * the store alone, so the store keeps the old credential and every client reading the secret is refused.
 */
export function regeneratedSecrets(after: Side, verdictOf: VerdictOf): ChangeFinding[] {
  const findings: ChangeFinding[] = [];
  for (const [stack, resources] of after.stacks) {
    for (const [secretId, secret] of Object.entries(resources)) {
      if (secret.Type !== SECRET_TYPE) continue;
      const verdict = verdictOf(stack, secretId);
      if (verdict?.change !== ChangeKind.UPDATED) continue;
      const changes = verdict.changedProperties.filter((p) => VALUE_PROPERTIES.includes(p.split('.')[0]));
      if (changes.length === 0) continue;
      for (const [readerId, reader] of Object.entries(resources)) {
        const category = CREDENTIAL_READERS[String(reader.Type)];
        const readerVerdict = verdictOf(stack, readerId);
        if (category === undefined || readerVerdict === undefined || readerVerdict.change === ChangeKind.ADDED || readerVerdict.change === ChangeKind.REPLACED) continue;
        const stale = dynamicReferencesTo(reader.Properties, secretId)
          .filter((path) => !readerVerdict.changedProperties.some((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`)));
        if (stale.length === 0) continue;
        findings.push({
          kind: FindingKind.SECRET_REGENERATED,
          subject: `${stack}/${secretId}`,
          message: `the secret generates a new value (${changes.join(', ')} change${changes.length === 1 ? 's' : ''}), but ${stack}/${readerId} (${category}) reads it `
            + `through a dynamic reference whose text does not change (${stale.join(', ')}), so CloudFormation leaves the ${category} alone: it keeps the old `
            + 'credential, the secret holds the new one, and every client that reads the secret is refused.',
          fix: `revert ${changes.join(', ')}; to change the credential, rotate the secret through Secrets Manager (rotation sets the ${category} `
            + `and the secret together), or create a new ${category} with its own secret beside the old one and move to it`,
        });
      }
    }
  }
  return findings;
}

/** Dot paths in `properties` of the dynamic references (`{{resolve:secretsmanager:...}}`) that name `secretId`. */
function dynamicReferencesTo(properties: unknown, secretId: string, path: string[] = []): string[] {
  if (Array.isArray(properties)) return properties.flatMap((v, i) => dynamicReferencesTo(v, secretId, [...path, String(i)]));
  if (!isPlainObject(properties)) return [];
  const keys = Object.keys(properties);
  if (keys.length === 1 && (keys[0] === 'Fn::Join' || keys[0] === 'Fn::Sub')) {
    const resolves = JSON.stringify(properties).includes('{{resolve:secretsmanager:');
    return resolves && referencesIn(properties).some((r) => r.logicalId === secretId) ? [path.join('.')] : [];
  }
  return keys.flatMap((k) => dynamicReferencesTo(properties[k], secretId, [...path, k]));
}

/**
 * A resource that AWS allows once per key, created by the deploy while the resource it takes over from
 * still holds that key: a replacement whose key stays, or a resource under a new logical ID whose key a
 * removed one had (within a stack, or across stacks when the key is literal).
 */
export function uniqueKeyClashes(before: Side, after: Side, verdictOf: VerdictOf): ChangeFinding[] {
  const findings: ChangeFinding[] = [];
  const replaced = (stack: string, id: string) => verdictOf(stack, id)?.change === ChangeKind.REPLACED;
  const removed: Array<{ stack: string; logicalId: string; type: string; key: unknown[] }> = [];
  for (const [stack, resources] of before.stacks) {
    for (const [logicalId, resource] of Object.entries(resources)) {
      const key = keyOf(resource);
      if (key !== undefined && verdictOf(stack, logicalId)?.change === ChangeKind.REMOVED) removed.push({ stack, logicalId, type: String(resource.Type), key });
    }
  }
  for (const [stack, resources] of after.stacks) {
    for (const [logicalId, resource] of Object.entries(resources)) {
      const key = keyOf(resource);
      const change = verdictOf(stack, logicalId)?.change;
      if (key === undefined || (change !== ChangeKind.REPLACED && change !== ChangeKind.ADDED)) continue;
      // A key naming a replaced resource (the cluster of an access entry) gets a new value: no clash.
      const references = referencesIn(key);
      if (references.some((r) => replaced(stack, r.logicalId) || verdictOf(stack, r.logicalId)?.change === ChangeKind.ADDED)) continue;
      const type = String(resource.Type);
      const keyText = UNIQUE_KEYS[type].properties.join(', ');
      if (change === ChangeKind.REPLACED) {
        const old = before.stacks.get(stack)?.[logicalId];
        if (old === undefined || !deepEqual(keyOf(old), key)) continue;
        findings.push(clash(`${stack}/${logicalId}`, type, `it is replaced with the same ${keyText}`, keyText));
        continue;
      }
      const holder = removed.find((r) => r.type === type && deepEqual(r.key, key) && (r.stack === stack || references.length === 0));
      if (holder === undefined) continue;
      findings.push(clash(`${stack}/${logicalId}`, type, `it is added with the ${keyText} of ${holder.stack}/${holder.logicalId}, which the deploy removes`, keyText));
    }
  }
  return findings;
}

function keyOf(resource: { Type?: unknown; Properties?: unknown }): unknown[] | undefined {
  const key = UNIQUE_KEYS[String(resource.Type)];
  const properties = isPlainObject(resource.Properties) ? resource.Properties : {};
  if (key === undefined || key.properties.some((p) => properties[p] === undefined)) return undefined;
  return key.properties.map((p) => properties[p]);
}

function clash(subject: string, type: string, what: string, keyText: string): ChangeFinding {
  return {
    kind: FindingKind.UNIQUE_KEY_CLASH,
    subject,
    message: `the ${type} is created while the one it takes over from still holds its key: ${what}. CloudFormation creates the new resource before it `
      + `deletes the old one, and ${UNIQUE_KEYS[type].rule}, so the deploy fails.`,
    fix: `keep the logical ID and the create-only properties as deployed; to rename it, move it with \`cdk refactor\` (CloudFormation stack refactoring `
      + `keeps the resource), or remove it in one deploy and add it back in the next; to change a create-only property, change its ${keyText} too`,
  };
}
