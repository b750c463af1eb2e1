import * as fs from 'fs';
import * as path from 'path';
import { PAIR_COLORS, colorKey } from '../blue-green/pair-color';
import {
  DEFAULT_STATE_FILE, PAIR_ASSEMBLY_FILE_SUFFIX, PairStateError, PairStateFile, RecordedColor, RecordedNodegroup, RecordedPair, emptyState, readStateFile, shellWord, writeStateFile,
} from '../blue-green/pair-state';

/** Each color with its key in the state file. */
export const COLOR_KEYS = PAIR_COLORS.map((color) => [color, colorKey(color)] as const);

/** A pair's file in a (nested) cloud assembly, by the path of the pair it describes. */
export interface PairFile {
  readonly file: string;
  readonly pair: string;
}

/**
 * The pair files of the assembly in `assemblyDir` and of every nested assembly (a Stage's
 * `assembly-<Stage>`), found through the manifests, so that the top-level `cdk.out` is enough.
 */
export function pairFilesOf(assemblyDir: string): PairFile[] {
  const found: PairFile[] = [];
  const visit = (dir: string, seen: Set<string>) => {
    if (seen.has(path.resolve(dir)) || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return;
    seen.add(path.resolve(dir));
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(PAIR_ASSEMBLY_FILE_SUFFIX)).sort()) {
      const file = path.join(dir, name);
      found.push({ file, pair: pathInFile(file) ?? name.slice(0, -PAIR_ASSEMBLY_FILE_SUFFIX.length) });
    }
    for (const nested of nestedAssemblies(dir)) visit(path.join(dir, nested), seen);
  };
  visit(assemblyDir, new Set());
  return found;
}

/** The directories of the nested assemblies a manifest names (one per Stage). */
function nestedAssemblies(dir: string): string[] {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8')) as { artifacts?: { [id: string]: { type?: string; properties?: { directoryName?: unknown } } } };
    return Object.values(manifest.artifacts ?? {})
      .filter((a) => a.type === 'cdk:cloud-assembly' && typeof a.properties?.directoryName === 'string')
      .map((a) => a.properties!.directoryName as string);
  } catch {
    // No manifest (a directory of pair files only) or an unreadable one: nothing nested to follow.
    return [];
  }
}

function pathInFile(file: string): string | undefined {
  try {
    const pair = (JSON.parse(fs.readFileSync(file, 'utf-8')) as { pair?: unknown }).pair;
    return typeof pair === 'string' ? pair : undefined;
  } catch {
    // Reported when this pair is the one asked for.
    return undefined;
  }
}

/** Reads what a pair's synthesis says it deploys (`<pair>.blue-green.json` in its assembly, nested or not). */
export function readDesiredPair(assemblyDir: string, pairPath: string): RecordedPair {
  const files = pairFilesOf(assemblyDir);
  const match = files.find((f) => f.pair === pairPath);
  const synthFix = `run \`npx cdk synth\` of the app that defines pair "${pairPath}" first, and pass its output directory (cdk.out: nested assemblies of Stages are found) with --assembly`;
  if (match === undefined) {
    const there = !fs.existsSync(assemblyDir) || !fs.statSync(assemblyDir).isDirectory() ? 'no directory at that path'
      : files.length === 0 ? 'no pair file, in it or in a nested assembly (assembly-<Stage>)'
        : `pairs ${files.map((f) => f.pair).join(', ')}`;
    throw new PairStateError(assemblyDir, there, 'PairAssemblyFile', `the assembly, nested assemblies included, has no file of pair "${pairPath}".`,
      files.length > 0 ? `pass --pair with one of the paths above (a pair in a Stage is <Stage>/<id>), or ${synthFix}` : synthFix);
  }
  let parsed: RecordedPair & { pair: string };
  try {
    parsed = JSON.parse(fs.readFileSync(match.file, 'utf-8'));
  } catch (e) {
    throw new PairStateError(match.file, e instanceof Error ? e.message : String(e), 'PairAssemblyFile', 'the file is not valid JSON.', synthFix);
  }
  return {
    ...(parsed.account === undefined ? {} : { account: parsed.account }), ...(parsed.region === undefined ? {} : { region: parsed.region }),
    upgradeStrategy: parsed.upgradeStrategy, blue: parsed.blue, green: parsed.green,
  };
}

/** `pair record`: the state file after a deploy of what `assemblyDir` holds. Returns the new state. */
export function recordPair(assemblyDir: string, pairPath: string, stateFile: string): PairStateFile {
  const state = readStateFile(stateFile);
  const desired = readDesiredPair(assemblyDir, pairPath);
  // A file of 0.1 keyed a pair of the App by its ID, which is its path: the same key, now with account and region.
  const next: PairStateFile = { formatVersion: state.formatVersion, pairs: { ...state.pairs, [pairPath]: desired } };
  writeStateFile(stateFile, next);
  return next;
}

/** `pair init`: an empty state file, to commit before the first deploy; an existing one is never overwritten. */
export function initState(stateFile: string): void {
  if (fs.existsSync(stateFile)) {
    const recorded = (() => {
      try {
        return `${Object.keys(readStateFile(stateFile).pairs).length} pair(s) recorded`;
      } catch (e) {
        return e instanceof PairStateError ? 'a file that cannot be read as a state file' : 'a file';
      }
    })();
    throw new PairStateError(stateFile, `it exists, with ${recorded}`, 'PairStateExists', 'there is a state file at this path already, and it may record deployed pairs.',
      'keep it (`cdk-safe-eks pair status` shows what it records); to start over for pairs that are not deployed, delete it yourself first');
  }
  writeStateFile(stateFile, emptyState());
}

/** The recorded pair at `pairPath`, or an error listing the recorded ones. */
export function recordedPair(state: PairStateFile, stateFile: string, pairPath: string, recordCommand: string): RecordedPair {
  const pair = state.pairs[pairPath];
  if (pair !== undefined) return pair;
  const paths = Object.keys(state.pairs).sort();
  throw new PairStateError(stateFile, paths.length === 0 ? 'no pair recorded yet' : `pairs ${paths.join(', ')}`, 'PairNotRecorded',
    `pair "${pairPath}" is not recorded in the state file.`,
    paths.length > 0 ? `pass --pair with a recorded path (a pair in a Stage is <Stage>/<id>), or, if "${pairPath}" is deployed, run \`${recordCommand}\` after its deploy`
      : `run \`${recordCommand}\` after the pair's deploy`);
}

/** The options a pair command was given, so that the commands it prints work as printed in this setup. */
export interface PairSetup {
  /** The state file as given (`--state-file`). */
  readonly stateFile: string;
  /** The cloud assembly as given (`--assembly`). */
  readonly assembly: string;
}

/** The defaults of the options of `PairSetup`: printed commands leave them out. */
export const DEFAULT_ASSEMBLY = 'cdk.out';

/** `npx cdk-safe-eks pair record` for the pair at `pairPath`, with the options this setup needs. */
export function recordCommand(pairPath: string, setup: PairSetup): string {
  return pairCommand('record', pairPath, setup);
}

/** `npx cdk-safe-eks pair shift` for the pair at `pairPath` (of cdk-safe-eks-cli), with the options this setup needs. */
export function shiftCommand(pairPath: string, setup: PairSetup): string {
  return pairCommand('shift', pairPath, setup);
}

/** `npx cdk-safe-eks pair check` of one color of the pair at `pairPath` (of cdk-safe-eks-cli), with the options this setup needs. */
export function checkCommand(pairPath: string, color: string, setup: PairSetup): string {
  return pairCommand('check', pairPath, setup, ['--color', color.toLowerCase()]);
}

/** A `pair` subcommand that reads the assembly and the state file: the non-default ones are named, so the command works as printed. */
function pairCommand(subcommand: string, pairPath: string, setup: PairSetup, extra: string[] = []): string {
  const flags = [
    ...(path.resolve(setup.assembly) === path.resolve(DEFAULT_ASSEMBLY) ? [] : ['--assembly', shellWord(setup.assembly)]),
    ...(path.resolve(setup.stateFile) === path.resolve(DEFAULT_STATE_FILE) ? [] : ['--state-file', shellWord(setup.stateFile)]),
  ];
  return [`npx cdk-safe-eks pair ${subcommand} --pair`, shellWord(pairPath), ...extra, ...flags].join(' ');
}

/**
 * The selector `cdk deploy` takes for a stack of the pair: its hierarchical ID, which `cdk list` prints
 * (`EuWest1/Payments-Green` in a Stage). The pair's stacks are its siblings, so that is its path plus
 * the stack's suffix; the CloudFormation stack name (`EuWest1-Payments-Green`) matches nothing.
 */
export function stackSelector(pairPath: string, suffix: string): string {
  return `${pairPath}-${suffix}`;
}

/** `pair status`: both colors of every recorded pair (or of one, which must be recorded). */
export function formatStatus(state: PairStateFile, setup: PairSetup, pairPath?: string): string {
  const { stateFile } = setup;
  const paths = pairPath === undefined ? Object.keys(state.pairs).sort() : [pairPath];
  if (paths.length === 0) return `No pair recorded in ${stateFile}. Run \`${recordCommand('<path>', setup)}\` after a deploy.\n`;
  const lines: string[] = [];
  for (const p of paths) {
    const pair = recordedPair(state, stateFile, p, recordCommand(p, setup));
    const where = pair.account === undefined && pair.region === undefined ? 'account and region not recorded'
      : `account ${pair.account ?? '(not literal)'}, region ${pair.region ?? '(not literal)'}`;
    lines.push(`Pair ${p} (upgrade strategy ${pair.upgradeStrategy}; ${where}), from ${stateFile}`);
    const rows = [['color', 'cluster', 'version', 'weight', 'deletion protection', 'fingerprint']];
    for (const [name, key] of COLOR_KEYS) {
      const c = pair[key];
      rows.push(c === undefined ? [name, '(retired)', '-', '0', '-', '-']
        : [name, c.clusterName, c.version, String(c.weight), c.deletionProtection ? 'on' : 'off', c.fingerprint]);
    }
    lines.push(...table(rows));
    for (const [name, key] of COLOR_KEYS) {
      const c = pair[key];
      if (c !== undefined) lines.push(`  ${name}: ${versionsLine(c, recordCommand(p, setup))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A color's add-on and node group versions as recorded, for `pair status`. */
function versionsLine(color: RecordedColor, record: string): string {
  const addons = color.addons === undefined ? 'add-ons not recorded'
    : `add-ons ${Object.entries(color.addons).sort(([a], [b]) => a.localeCompare(b)).map(([a, v]) => `${a} ${v}`).join(', ')}`;
  const nodegroups = color.nodegroups === undefined ? 'node groups not recorded'
    : Object.keys(color.nodegroups).length === 0 ? 'no node groups'
      : `node groups ${Object.entries(color.nodegroups).sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => nodegroupVersions(id, n)).join(', ')}`;
  const old = color.addons === undefined || color.nodegroups === undefined
    ? ` (the entry predates them: \`${record}\` after a synth of the app as deployed records them)` : '';
  return `${addons}; ${nodegroups}${old}`;
}

function nodegroupVersions(id: string, n: RecordedNodegroup): string {
  if (n.version === undefined && n.releaseVersion === undefined) return `${id} (version and AMI release not pinned)`;
  return `${id} ${n.version ?? '(version not pinned)'} (AMI release ${n.releaseVersion ?? 'not pinned'})`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd());
}
