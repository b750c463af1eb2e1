import * as fs from 'fs';
import * as path from 'path';
import { PAIR_COLORS, colorKey } from '../blue-green/pair-color';
import { minor } from '../blue-green/pair-guards';
import { kubernetesVersionProblem } from '../model/aws-naming-rules';
import {
  DEFAULT_STATE_FILE, PAIR_ASSEMBLY_FILE_SUFFIX, PairStateError, PairStateFile, RecordedColor, RecordedPair, emptyState, readStateFile, shellWord, writeStateFile,
} from '../blue-green/pair-state';

/** Each color with its key in the state file. */
const COLOR_KEYS = PAIR_COLORS.map((color) => [color, colorKey(color)] as const);
const SHIFT_STEPS = [10, 50, 100];

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
  const flags = [
    ...(path.resolve(setup.assembly) === path.resolve(DEFAULT_ASSEMBLY) ? [] : ['--assembly', shellWord(setup.assembly)]),
    ...(path.resolve(setup.stateFile) === path.resolve(DEFAULT_STATE_FILE) ? [] : ['--state-file', shellWord(setup.stateFile)]),
  ];
  return ['npx cdk-safe-eks pair record --pair', shellWord(pairPath), ...flags].join(' ');
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
  }
  return `${lines.join('\n')}\n`;
}

/** `pair plan`: the ordered runbook that moves the idle color of the recorded pair to `toVersion`. */
export function formatPlan(pairPath: string, pair: RecordedPair, toVersion: string, setup: PairSetup): string {
  const [liveName, liveKey] = (pair.blue?.weight ?? 0) >= (pair.green?.weight ?? 0) ? COLOR_KEYS[0] : COLOR_KEYS[1];
  const [idleName, idleKey] = liveKey === 'blue' ? COLOR_KEYS[1] : COLOR_KEYS[0];
  const live = pair[liveKey]!;
  const idle = pair[idleKey];
  const inPlace = pair.upgradeStrategy === 'IN_PLACE';
  const steps: string[] = [];
  const stack = (suffix: string) => stackSelector(pairPath, suffix);
  const deploy = (suffix: string) => `npx cdk deploy ${shellWord(stack(suffix))}`;
  const record = recordCommand(pairPath, setup);
  const defaultAssembly = path.resolve(setup.assembly) === path.resolve(DEFAULT_ASSEMBLY);
  const synth = defaultAssembly ? 'npx cdk synth' : `npx cdk synth -o ${shellWord(setup.assembly)}`;
  const versionLiteral = (v: string) => `eks.KubernetesVersion.of('${v}')`;

  const unprotect = idle !== undefined && !inPlace && idle.version !== toVersion && idle.deletionProtection;
  if (unprotect) {
    steps.push(`Let CloudFormation replace the idle cluster: set ${idleKey}.deletionProtection to false.\n     ${deploy(idleName)} && ${record}`);
  }
  const versions = inPlace && idle !== undefined ? inPlaceSteps(idle.version, toVersion) : [toVersion];
  versions.forEach((v, i) => {
    // The guard compares each in-place step with the recorded version: every step but the last (proven and recorded next) is recorded here.
    const recordStep = i < versions.length - 1 ? ` && ${record}` : '';
    steps.push(`Edit the app: ${idleKey}: { version: ${versionLiteral(v)}, weight: 0 }${idle === undefined || !inPlace ? '' : ' (in place, one minor version)'}; leave ${liveKey} as it is.\n     ${deploy(idleName)}${recordStep}`);
  });
  steps.push(`Prove the new color before it gets traffic (every flow, also after the incident replay):\n     ${synth} && npx cdk-safe-eks verify ${shellWord(setup.assembly)} --replay && ${record}`);
  if (unprotect || (idle !== undefined && !idle.deletionProtection)) {
    // Once it has weight its cluster is frozen, deletion protection included: protect it while it is idle.
    steps.push(`Protect ${idleName} before it takes traffic: set ${idleKey}.deletionProtection to true (an update in place).\n     ${deploy(idleName)} && ${record}`);
  }
  for (const weight of SHIFT_STEPS) {
    steps.push(`Shift ${weight}% to ${idleName}: ${liveKey}.weight ${100 - weight}, ${idleKey}.weight ${weight}.\n     ${deploy('Traffic')} && ${record}`);
    steps.push(weight < 100
      ? `Observe ${idleName} (errors, latency, saturation). Roll back: ${liveKey}.weight 100, ${idleKey}.weight 0; ${deploy('Traffic')}`
      // Back from 0 to 100 in one deploy is the guard's weight jump: a rollback accepts it, in words.
      : `Observe. ${liveName} (${live.version}) stays deployed at weight 0 as the rollback: ${liveKey}.weight 100, ${idleKey}.weight 0, `
        + `pair.acknowledgeRisk(PairColor.${liveName.toUpperCase()}, PairRisk.WEIGHT_JUMP, 'rollback to ${liveName}'); ${deploy('Traffic')}`);
  }
  steps.push(`Retire ${liveName} when no rollback is needed (or keep it): ${liveKey}.deletionProtection false; ${deploy(liveName)} && ${record};\n     then remove ${liveKey} from the app; ${deploy(liveName)} (its stack keeps one placeholder resource; \`cdk destroy\` it once the color is not coming back) && ${record}`);

  const header = [
    `Upgrade plan for pair ${pairPath} (${pair.upgradeStrategy}): ${liveName} ${live.version} serves traffic (weight ${live.weight}); `
    + `${idleName} ${idle === undefined ? '(retired)' : `${idle.version} (weight ${idle.weight})`} is idle and moves to ${toVersion}.`,
    `Only ${stack(idleName)} and ${stack('Traffic')} change; ${stack('Shared')} and ${stack(liveName)} are never redeployed.`,
    '',
  ];
  return `${[...header, ...steps.map((s, i) => `${String(i + 1).padStart(2)}. ${s}`)].join('\n')}\n`;
}

/** Checks `toVersion` against the recorded pair; returns the problem, or undefined. */
export function planProblem(pair: RecordedPair, toVersion: string): string | undefined {
  // The same rule as a cluster's version: "1.N", no leading zero (1.034 is not 1.34).
  if (kubernetesVersionProblem(toVersion) !== undefined) return `--to must be a Kubernetes minor version such as 1.35; got ${JSON.stringify(toVersion)}`;
  if (pair.blue === undefined && pair.green === undefined) return 'both colors are retired; there is no live color to keep serving traffic';
  const live = Math.max(pair.blue?.weight ?? 0, pair.green?.weight ?? 0);
  if (live < 100) return 'traffic is split between the colors; finish the shift (one color at weight 100) and record before planning an upgrade';
  const liveColor: RecordedColor = (pair.blue?.weight ?? 0) === 100 ? pair.blue! : pair.green!;
  if (minor(toVersion)! <= minor(liveColor.version)!) return `--to ${toVersion} is not newer than the live color's ${liveColor.version}`;
  return undefined;
}

function inPlaceSteps(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = minor(from)! + 1; m <= minor(to)!; m++) out.push(`1.${m}`);
  return out.length > 0 ? out : [to];
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd());
}
