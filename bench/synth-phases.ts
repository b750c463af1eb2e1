/**
 * Where a cold synthesis spends its time, for the plain one-cluster app, the same with AwsSolutions and
 * the example pair: each run is a fresh process (bench/synth-phase-probe.ts) that loads, builds and
 * synthesizes one app once, the apps taking turns. The CLI's own start and its reading of the assembly
 * are left out; `pairSynthBench` times those as part of `cdk synth`.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { SynthPhases } from './synth-phase-probe';

const ROOT = path.join(__dirname, '..');
const PROBE = path.join(__dirname, 'synth-phase-probe.ts');

/** The probe's apps, with the column heads: the plain one-cluster app, that app with AwsSolutions, the example pair. */
const APPS: ReadonlyArray<readonly [string, string]> = [
  ['plain', 'plain'],
  ['plain-nag', 'plain + nag'],
  ['pair', 'pair'],
];

/** The rows: each a phase of the probe, or one derived from them. */
const ROWS: ReadonlyArray<readonly [string, (p: SynthPhases) => number]> = [
  ['node and ts-node start', (p) => p.start],
  ['loading modules', (p) => p.load],
  ['building the app (constructors)', (p) => p.build],
  ['app.synth()', (p) => p.synth],
  ['  of it: aws-cdk-lib CloudFormation validation', (p) => p.cfnValidate],
  ['  of it: cdk-nag AwsSolutions', (p) => p.awsSolutions],
  ['  of it: this library\'s proofs, guard and packs', (p) => p.library],
  ['  of it: the rest (prepare, resolve, write)', (p) => p.synth - p.cfnValidate - p.awsSolutions - p.library],
  ['total', (p) => p.start + p.load + p.build + p.synth],
];

/** One fresh process, run as cdk.json runs the app (ts-node with swc), minus npx. */
function probe(app: string): SynthPhases {
  const tsNode = require.resolve('ts-node/dist/bin.js');
  const result = spawnSync(process.execPath, [tsNode, '--swc', '--prefer-ts-exts', PROBE, app], { cwd: ROOT, encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(`synth-phase-probe ${app} failed: ${result.stderr.slice(0, 800)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as SynthPhases;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function synthPhasesBench(runs = 5): void {
  APPS.forEach(([app]) => probe(app));
  const results: SynthPhases[][] = APPS.map(() => []);
  for (let i = 0; i < runs; i++) APPS.forEach(([app], j) => results[j].push(probe(app)));
  console.log('');
  console.log(`Where a cold synthesis goes: a fresh process per synthesis, median of ${runs} interleaved runs after a warm-up, ms`);
  console.log('(plain: bench/plain-one-cluster-app.ts; + nag: with cdk-nag AwsSolutions; pair: bin/app.ts)');
  const widths = [50, 10, 13, 10, 14];
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(''));
  line(['', ...APPS.map(([, head]) => head), 'pair - plain']);
  for (const [label, pick] of ROWS) {
    const medians = results.map((r) => median(r.map(pick)));
    line([label, ...medians.map((m) => m.toFixed(0)), (medians[2] - medians[0]).toFixed(0)]);
  }
}

if (require.main === module) synthPhasesBench();
