import * as fs from 'fs';
import * as path from 'path';
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
  /**
   * The version of each add-on the cluster owns, by add-on name (`vpc-cni`, `kube-proxy`, `coredns`,
   * `eks-pod-identity-agent`), as its template names them. Absent when the template has none, and from
   * files recorded before the library kept them.
   */
  readonly addons?: { readonly [addonName: string]: string };
  /** What each node group's template names, by its ID in the color's `nodegroups`. Absent from files recorded before the library kept them. */
  readonly nodegroups?: { readonly [id: string]: RecordedNodegroup };
}

/** The versions a node group's template names; each is absent when the template leaves it unset (EKS's choice). */
export interface RecordedNodegroup {
  /** Kubernetes version of the nodes, "1.N". */
  readonly version?: string;
  /** AMI release version. */
  readonly releaseVersion?: string;
  /** AMI type (`AL2023_x86_64_STANDARD`, `BOTTLEROCKET_x86_64`, ...): the library's release table covers Amazon Linux 2023 only. */
  readonly amiType?: string;
}

/** One pair as recorded; a color that is absent has no cluster (never created, or retired). */
export interface RecordedPair {
  /** Account of the pair's stacks; absent when it was not literal at synth, or in an entry read from a 0.1 file. */
  readonly account?: string;
  /** Region of the pair's stacks; absent when it was not literal at synth, or in an entry read from a 0.1 file. */
  readonly region?: string;
  readonly upgradeStrategy: string;
  readonly blue?: RecordedColor;
  readonly green?: RecordedColor;
}

/** The CloudFormation stack names of a pair, as its file in the assembly gives them (not recorded in the state file). */
export interface PairStackNames {
  readonly shared: string;
  readonly blue: string;
  readonly green: string;
  readonly traffic: string;
}

export interface PairStateFile {
  readonly formatVersion: number;
  /** By the pair's construct path: `EuWest1/Payments` in a Stage, its ID (`Payments`) in the App. */
  readonly pairs: { readonly [pairPath: string]: RecordedPair };
  /**
   * The format the file was read from when it was older (1: written by 0.1, keyed by pair ID, with no
   * account or region); never written: the next write is the current format.
   */
  readonly migratedFrom?: number;
}

/** Default file name, resolved against the directory `cdk synth` runs in (the one holding cdk.json). */
export const DEFAULT_STATE_FILE = 'cdk-safe-eks.state.json';
/** Name of the file each pair writes into its (nested) cloud assembly for `pair record`. */
export function pairAssemblyFileName(pairId: string): string {
  return `${pairId}.blue-green.json`;
}
/** The suffix of every pair's file in an assembly. */
export const PAIR_ASSEMBLY_FILE_SUFFIX = pairAssemblyFileName('');
const FORMAT_VERSION = 2;
/** The format of 0.1: pairs keyed by ID, without account and region. */
const FORMAT_0_1 = 1;

/**
 * How to mend a state file that cannot be read. Never "start a new one": an empty state tells the
 * guards that no color serves traffic, which is the one thing they must not believe by mistake.
 */
export const STATE_FILE_FIX = 'restore the file from version control (`git checkout -- <file>`); it records what is deployed, '
  + 'so do not replace it with a new one, which would let the guards take a live color for an idle one';

/** The command that writes an empty state file at `file`, as a user in the current directory types it. */
export function initCommand(file: string): string {
  const resolved = path.resolve(file);
  if (resolved === path.resolve(DEFAULT_STATE_FILE)) return 'npx cdk-safe-eks pair init';
  const relative = path.relative(process.cwd(), resolved);
  return `npx cdk-safe-eks pair init --state-file ${shellWord(relative.startsWith('..') ? resolved : relative)}`;
}

/** `word` as one shell word: as it is when it is plain, single-quoted otherwise. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The fix for a state file that does not exist: create it before the first deploy, restore it after. */
export function missingStateFix(file: string): string {
  return `before the pair's first deploy, run \`${initCommand(file)}\` beside cdk.json and commit the file; `
    + 'once the pair is deployed, restore the file from version control (`git checkout -- <file>`) instead, '
    + 'since an empty state would let the guards take a live color for an idle one';
}

/** A file of blue-green pairs (the state file, or a pair's file in the assembly) cannot be read or has the wrong shape. */
export class PairStateError extends CodedError {
  /** The file and what is wrong with it: the message's "Got", for a caller that reports the error as its own. */
  public readonly problem: string;
  /** The message's problem sentence. */
  public readonly statement: string;
  /** The message's fix. */
  public readonly fix: string;

  /**
   * @param file the file, named first in the message
   * @param detail what is wrong with it (the message's "Got")
   * @param code, statement, fix: those of an unreadable state file unless given
   */
  constructor(file: string, detail: string, code: ErrorCode = 'PairStateFile',
    statement = 'the state file of blue-green pairs cannot be read.', fix = STATE_FILE_FIX) {
    super('PairStateError', file, code, statement, detail, fix);
    this.problem = `${file}: ${detail}`;
    this.statement = statement;
    this.fix = fix;
  }
}

export function emptyState(): PairStateFile {
  return { formatVersion: FORMAT_VERSION, pairs: {} };
}

/**
 * Reads the state file. There is no silent default: a file that does not exist is an error (a guard
 * without the recorded state would take every live color for an idle one). A file of 0.1 is read as
 * the current format, its pairs keyed by ID (the path of a pair defined in the App), without account
 * and region; the next write (`pair record`) migrates it.
 */
export function readStateFile(file: string): PairStateFile {
  if (!fs.existsSync(file)) {
    throw new PairStateError(path.resolve(file), 'no such file', 'PairStateMissing', 'the state file of blue-green pairs does not exist.', missingStateFix(file));
  }
  if (fs.statSync(file).isDirectory()) throw new PairStateError(file, 'it is a directory, not a state file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new PairStateError(file, `it is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseState(parsed, file);
}

/** Writes the state (always in the current format) with sorted keys and a trailing newline, so that a commit shows only real changes. */
export function writeStateFile(file: string, state: PairStateFile): void {
  fs.writeFileSync(file, stateToJson(state));
}

export function stateToJson(state: PairStateFile): string {
  return `${JSON.stringify(sortKeys({ formatVersion: FORMAT_VERSION, pairs: state.pairs }), null, 2)}\n`;
}

function parseState(value: unknown, file: string): PairStateFile {
  const bad = (what: string) => new PairStateError(file, what);
  if (!isObject(value) || (value.formatVersion !== FORMAT_VERSION && value.formatVersion !== FORMAT_0_1) || !isObject(value.pairs)) {
    throw bad(`it is not {"formatVersion": ${FORMAT_VERSION}, "pairs": {...}} (nor a file of 0.1, {"formatVersion": ${FORMAT_0_1}, ...})`);
  }
  const legacy = value.formatVersion === FORMAT_0_1;
  const pairs: { [pairPath: string]: RecordedPair } = {};
  for (const [key, pair] of Object.entries(value.pairs)) {
    if (!isObject(pair) || typeof pair.upgradeStrategy !== 'string') throw bad(`pair "${key}" has no upgradeStrategy`);
    for (const field of ['account', 'region'] as const) {
      if (!legacy && pair[field] !== undefined && typeof pair[field] !== 'string') throw bad(`pair "${key}": "${field}" must be a string`);
    }
    pairs[key] = {
      ...(legacy || pair.account === undefined ? {} : { account: pair.account as string }),
      ...(legacy || pair.region === undefined ? {} : { region: pair.region as string }),
      upgradeStrategy: pair.upgradeStrategy,
      blue: parseColor(pair.blue, `pair "${key}" color blue`, bad),
      green: parseColor(pair.green, `pair "${key}" color green`, bad),
    };
  }
  return legacy ? { formatVersion: FORMAT_VERSION, pairs, migratedFrom: FORMAT_0_1 } : { formatVersion: FORMAT_VERSION, pairs };
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
  const { addons, nodegroups } = value;
  if (addons !== undefined && !(isObject(addons) && Object.values(addons).every((v) => typeof v === 'string'))) {
    throw bad(`${where}: "addons" must map add-on names to versions`);
  }
  const versionFields = (n: unknown) => isObject(n) && ['version', 'releaseVersion', 'amiType'].every((f) => n[f] === undefined || typeof n[f] === 'string');
  if (nodegroups !== undefined && !(isObject(nodegroups) && Object.values(nodegroups).every(versionFields))) {
    throw bad(`${where}: "nodegroups" must map node group IDs to {"version": ..., "releaseVersion": ..., "amiType": ...} (strings, each optional)`);
  }
  return {
    version: value.version, weight: value.weight, clusterName: value.clusterName,
    fingerprint: value.fingerprint, deletionProtection: value.deletionProtection, ...(resources === undefined ? {} : { resources }),
    ...(addons === undefined ? {} : { addons: addons as RecordedColor['addons'] }),
    ...(nodegroups === undefined ? {} : { nodegroups: nodegroups as RecordedColor['nodegroups'] }),
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

/** Where a pair lives, as the state file keys and checks its entry. */
export interface PairPlace {
  /** Construct path (`EuWest1/Payments`). */
  readonly path: string;
  /** Construct ID, the key of a file of 0.1. */
  readonly id: string;
  /** Literal account of the pair, if any. */
  readonly account?: string;
  /** Literal region of the pair, if any. */
  readonly region?: string;
}

/**
 * The entry of the pair at `place`, or undefined before its first `pair record`. Refuses an entry
 * recorded in another account or region, and, in a file of 0.1, an entry under the ID of a pair in a
 * Stage (0.1 kept one entry per ID, so it may be another Stage's).
 */
export function recordedPairAt(state: PairStateFile, file: string, place: PairPlace): RecordedPair | undefined {
  const recorded = state.pairs[place.path];
  if (recorded === undefined) {
    const byId = state.pairs[place.id];
    if (state.migratedFrom !== undefined && place.id !== place.path && byId !== undefined) {
      throw new PairStateError(file, `an entry "${place.id}" and none for "${place.path}"`, 'PairStateFrom01',
        `the state file was written by cdk-safe-eks 0.1, which keyed pairs by ID, and this pair is in a Stage (${place.path}).`,
        `if entry "${place.id}" records this Stage's pair, rename its key to "${place.path}" and commit the file (the next \`pair record\` adds its account and region); `
        + `0.1 kept one entry per ID, so a pair of another Stage with the same ID is not recorded: synthesize the app as deployed and run `
        + `\`npx cdk-safe-eks pair record --pair <path>\` for it before changing it`);
    }
    return undefined;
  }
  const mismatch = (['account', 'region'] as const).filter((f) => recorded[f] !== undefined && place[f] !== undefined && recorded[f] !== place[f]);
  if (mismatch.length > 0) {
    const env = (e: { account?: string; region?: string }) => `account ${e.account ?? '(not literal)'}, region ${e.region ?? '(not literal)'}`;
    throw new PairStateError(file, `entry "${place.path}" recorded for ${env(recorded)}; the pair deploys to ${env(place)}`, 'PairStateEnvironment',
      `the state file's entry for this pair was recorded in another ${mismatch.join(' and ')}, so it says nothing of what is deployed where the pair deploys now.`,
      'give each account and region its own entry: one Stage per environment (the entry is keyed by the pair\'s path, e.g. EuWest1/Payments) or one stateFile per environment; '
      + `if the pair moved here on purpose, nothing of it is deployed here yet: remove entry "${place.path}" from the file, deploy, then run \`npx cdk-safe-eks pair record --pair ${shellWord(place.path)}\``);
  }
  return recorded;
}
