import * as fs from 'fs';
import * as path from 'path';
import { PAIR_COLORS, colorKey } from '../blue-green/pair-color';
import { minor } from '../blue-green/pair-guards';
import { kubernetesVersionProblem } from '../model/aws-naming-rules';
import {
  PairStateError, PairStateFile, RecordedColor, RecordedPair, pairAssemblyFileName, readStateFile, writeStateFile,
} from '../blue-green/pair-state';

/** Each color with its key in the state file. */
const COLOR_KEYS = PAIR_COLORS.map((color) => [color, colorKey(color)] as const);
const SHIFT_STEPS = [10, 50, 100];

/** Reads what a pair's synthesis says it deploys (`<pair>.blue-green.json` in the assembly). */
export function readDesiredPair(assemblyDir: string, pairId: string): RecordedPair {
  const file = path.join(assemblyDir, pairAssemblyFileName(pairId));
  const synthFix = `run \`npx cdk synth\` of the app that defines pair "${pairId}" first, and pass its output directory with --assembly`;
  if (!fs.existsSync(file)) {
    throw new PairStateError(assemblyDir, pairFilesIn(assemblyDir), 'PairAssemblyFile', `${path.basename(file)} does not exist.`, synthFix);
  }
  let parsed: RecordedPair & { pair: string };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new PairStateError(file, e instanceof Error ? e.message : String(e), 'PairAssemblyFile', 'the file is not valid JSON.', synthFix);
  }
  return { upgradeStrategy: parsed.upgradeStrategy, blue: parsed.blue, green: parsed.green };
}

/** The pair files the assembly holds, so that a mistyped --pair shows the IDs there are. */
function pairFilesIn(assemblyDir: string): string {
  if (!fs.existsSync(assemblyDir) || !fs.statSync(assemblyDir).isDirectory()) return 'no directory at that path';
  const files = fs.readdirSync(assemblyDir).filter((f) => f.endsWith(pairAssemblyFileName(''))).sort();
  return files.length === 0 ? 'no pair file' : files.join(', ');
}

/** `pair record`: the state file after a deploy of what `assemblyDir` holds. Returns the new state. */
export function recordPair(assemblyDir: string, pairId: string, stateFile: string): PairStateFile {
  const state = readStateFile(stateFile);
  const next: PairStateFile = { formatVersion: state.formatVersion, pairs: { ...state.pairs, [pairId]: readDesiredPair(assemblyDir, pairId) } };
  writeStateFile(stateFile, next);
  return next;
}

/** `pair status`: both colors of every recorded pair (or of one). */
export function formatStatus(state: PairStateFile, stateFile: string, pairId?: string): string {
  const ids = pairId === undefined ? Object.keys(state.pairs).sort() : [pairId];
  if (ids.length === 0) return `No pair recorded in ${stateFile}. Run \`cdk-safe-eks pair record --pair <id>\` after a deploy.\n`;
  const lines: string[] = [];
  for (const id of ids) {
    const pair = state.pairs[id];
    if (pair === undefined) {
      lines.push(`Pair ${id}: not recorded in ${stateFile}.`);
      continue;
    }
    lines.push(`Pair ${id} (upgrade strategy ${pair.upgradeStrategy}), from ${stateFile}`);
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
export function formatPlan(pairId: string, pair: RecordedPair, toVersion: string): string {
  const [liveName, liveKey] = (pair.blue?.weight ?? 0) >= (pair.green?.weight ?? 0) ? COLOR_KEYS[0] : COLOR_KEYS[1];
  const [idleName, idleKey] = liveKey === 'blue' ? COLOR_KEYS[1] : COLOR_KEYS[0];
  const live = pair[liveKey]!;
  const idle = pair[idleKey];
  const inPlace = pair.upgradeStrategy === 'IN_PLACE';
  const steps: string[] = [];
  const deploy = (stack: string) => `npx cdk deploy ${pairId}-${stack}`;
  const record = `npx cdk-safe-eks pair record --pair ${pairId}`;
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
  steps.push(`Prove the new color before it gets traffic (every flow, also after the incident replay):\n     npx cdk synth && npx cdk-safe-eks verify cdk.out --replay && ${record}`);
  if (unprotect || (idle !== undefined && !idle.deletionProtection)) {
    // Once it has weight its cluster is frozen, deletion protection included: protect it while it is idle.
    steps.push(`Protect ${idleName} before it takes traffic: set ${idleKey}.deletionProtection to true (an update in place).\n     ${deploy(idleName)} && ${record}`);
  }
  for (const weight of SHIFT_STEPS) {
    steps.push(`Shift ${weight}% to ${idleName}: ${liveKey}.weight ${100 - weight}, ${idleKey}.weight ${weight}.\n     ${deploy('Traffic')} && ${record}`);
    steps.push(weight < 100
      ? `Observe ${idleName} (errors, latency, saturation). Roll back: ${liveKey}.weight 100, ${idleKey}.weight 0; ${deploy('Traffic')}`
      : `Observe. ${liveName} (${live.version}) stays deployed at weight 0 as the rollback: ${liveKey}.weight 100, ${idleKey}.weight 0; ${deploy('Traffic')}`);
  }
  steps.push(`Retire ${liveName} when no rollback is needed (or keep it): ${liveKey}.deletionProtection false; ${deploy(liveName)} && ${record};\n     then remove ${liveKey} from the app; ${deploy(liveName)} (its stack keeps one placeholder resource; \`cdk destroy\` it once the color is not coming back) && ${record}`);

  const header = [
    `Upgrade plan for pair ${pairId} (${pair.upgradeStrategy}): ${liveName} ${live.version} serves traffic (weight ${live.weight}); `
    + `${idleName} ${idle === undefined ? '(retired)' : `${idle.version} (weight ${idle.weight})`} is idle and moves to ${toVersion}.`,
    `Only ${pairId}-${idleName} and ${pairId}-Traffic change; ${pairId}-Shared and ${pairId}-${liveName} are never redeployed.`,
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
