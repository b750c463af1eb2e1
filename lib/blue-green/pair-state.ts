import * as fs from 'fs';
import { ErrorCode } from '../model/error-codes';
import { CodedError } from '../model/errors';

/**
 * The state file of blue-green pairs: what was last deployed, per pair and color. Written by
 * `cdk-safe-eks pair record` after a deploy, committed beside cdk.json, read at every synth so the
 * guards can tell a live color from an idle one. Plain data, no aws-cdk-lib: the CLI reads it too.
 */
export interface RecordedColor {
  /** Kubernetes minor version, e.g. "1.34". */
  readonly version: string;
  /** Share of traffic, 0-100. */
  readonly weight: number;
  /** Name of the EKS cluster. */
  readonly clusterName: string;
  /** Hash of the color's cluster, node groups, launch templates, owned groups and rules. */
  readonly fingerprint: string;
  /** Whether EKS refuses to delete the cluster. */
  readonly deletionProtection: boolean;
  /**
   * The resources the fingerprint hashes (logical ID -> `{ Type, Properties }`), so that the guard's
   * change-safety diff can name what changes. Absent from files recorded before the library kept them.
   */
  readonly resources?: { readonly [logicalId: string]: unknown };
}

/** One pair as recorded; a color that is absent has no cluster (never created, or retired). */
export interface RecordedPair {
  readonly upgradeStrategy: string;
  readonly blue?: RecordedColor;
  readonly green?: RecordedColor;
}

export interface PairStateFile {
  readonly formatVersion: number;
  readonly pairs: { readonly [pairId: string]: RecordedPair };
}

/** Default file name, resolved against the directory `cdk synth` runs in (the one holding cdk.json). */
export const DEFAULT_STATE_FILE = 'cdk-safe-eks.state.json';
/** Name of the file each pair writes into the cloud assembly for `pair record`. */
export function pairAssemblyFileName(pairId: string): string {
  return `${pairId}.blue-green.json`;
}
const FORMAT_VERSION = 1;

/** How to mend a state file that cannot be read: the same whatever is wrong with it. */
export const STATE_FILE_FIX = 'restore the file from version control, or delete it and run `cdk-safe-eks pair record` after the next deploy';

/** A file of blue-green pairs (the state file, or a pair's file in the assembly) cannot be read or has the wrong shape. */
export class PairStateError extends CodedError {
  /** The file and what is wrong with it, for a caller that reports it as the value it got. */
  public readonly problem: string;

  /**
   * @param file the file, named first in the message
   * @param detail what is wrong with it (the message's "Got")
   * @param code, problem, fix: those of the state file unless given
   */
  constructor(file: string, detail: string, code: ErrorCode = 'PairStateFile',
    problem = 'the state file of blue-green pairs cannot be read.', fix = STATE_FILE_FIX) {
    super('PairStateError', file, code, problem, detail, fix);
    this.problem = `${file}: ${detail}`;
  }
}

export function emptyState(): PairStateFile {
  return { formatVersion: FORMAT_VERSION, pairs: {} };
}

/** Reads the state file; a file that does not exist is an empty state (nothing deployed yet). */
export function readStateFile(file: string): PairStateFile {
  if (!fs.existsSync(file)) return emptyState();
  if (fs.statSync(file).isDirectory()) throw new PairStateError(file, 'it is a directory, not a state file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new PairStateError(file, `it is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseState(parsed, file);
}

/** Writes the state with sorted keys and a trailing newline, so that a commit shows only real changes. */
export function writeStateFile(file: string, state: PairStateFile): void {
  fs.writeFileSync(file, stateToJson(state));
}

export function stateToJson(state: PairStateFile): string {
  return `${JSON.stringify(sortKeys(state), null, 2)}\n`;
}

function parseState(value: unknown, file: string): PairStateFile {
  const bad = (what: string) => new PairStateError(file, what);
  if (!isObject(value) || value.formatVersion !== FORMAT_VERSION || !isObject(value.pairs)) {
    throw bad(`it is not {"formatVersion": ${FORMAT_VERSION}, "pairs": {...}}`);
  }
  const pairs: { [id: string]: RecordedPair } = {};
  for (const [id, pair] of Object.entries(value.pairs)) {
    if (!isObject(pair) || typeof pair.upgradeStrategy !== 'string') throw bad(`pair "${id}" has no upgradeStrategy`);
    pairs[id] = {
      upgradeStrategy: pair.upgradeStrategy,
      blue: parseColor(pair.blue, `pair "${id}" color blue`, bad),
      green: parseColor(pair.green, `pair "${id}" color green`, bad),
    };
  }
  return { formatVersion: FORMAT_VERSION, pairs };
}

function parseColor(value: unknown, where: string, bad: (what: string) => Error): RecordedColor | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.version !== 'string' || typeof value.weight !== 'number'
    || typeof value.clusterName !== 'string' || typeof value.fingerprint !== 'string' || typeof value.deletionProtection !== 'boolean') {
    throw bad(`${where} needs version, weight, clusterName, fingerprint and deletionProtection`);
  }
  const resources = value.resources;
  if (resources !== undefined && !(isObject(resources) && Object.values(resources).every((r) => isObject(r) && typeof r.Type === 'string'))) {
    throw bad(`${where}: "resources" must map logical IDs to {"Type": ..., "Properties": ...}`);
  }
  return {
    version: value.version, weight: value.weight, clusterName: value.clusterName,
    fingerprint: value.fingerprint, deletionProtection: value.deletionProtection, ...(resources === undefined ? {} : { resources }),
  };
}

function isObject(x: unknown): x is { [key: string]: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Objects with keys sorted, recursively: the canonical form for files and fingerprints. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(value).sort()) {
    if (value[key] !== undefined) out[key] = sortKeys(value[key]);
  }
  return out;
}
