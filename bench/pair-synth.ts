/**
 * Synthesis of the example pair (bin/app.ts: four stacks, two clusters, Aurora, Valkey, ALB, three
 * validation plugins) against a plain aws-eks-v2 app with one cluster, side by side in one process:
 * each app built and synthesized into a fresh directory, as `cdk synth` does after loading the code.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../bin/app';
import { buildPlainEksApp } from './plain-eks-app';
import { buildPlainOneClusterApp } from './plain-one-cluster-app';
import { testApp } from './offline-env';

export interface Timing {
  readonly median: number;
  readonly fastest: number;
}

function freshApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-bench-')), context: testApp().node.getAllContext() });
}

function plainOneCluster(): App {
  return buildPlainOneClusterApp(freshApp());
}

/** Wall time of `node` running an app file the way cdk.json runs bin/app.ts (ts-node, transpile only), in ms. */
function timeProcess(appFile: string): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-bench-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', appFile], {
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: CDK_JSON_CONTEXT, TS_NODE_PREFER_TS_EXTS: 'true' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${appFile} failed: ${result.stderr.toString().slice(0, 500)}`);
  return ms;
}

// The context `cdk synth` hands the app: the one in cdk.json.
const CDK_JSON_CONTEXT = JSON.stringify(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf-8')).context);

function summary(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], fastest: sorted[0] };
}

/**
 * Every app is warmed up first, then the apps take turns, run after run: a machine whose load changes
 * during the bench slows all of them alike instead of whichever happens to run last.
 */
function timeSynths(builds: Array<() => App>, runs: number): Timing[] {
  for (const build of builds) build().synth();
  const times: number[][] = builds.map(() => []);
  for (let i = 0; i < runs; i++) {
    builds.forEach((build, j) => {
      const start = process.hrtime.bigint();
      build().synth();
      times[j].push(Number(process.hrtime.bigint() - start) / 1e6);
    });
  }
  return times.map(summary);
}

function printRows(title: string, rows: ReadonlyArray<readonly [string, Timing]>): void {
  const base = rows[0][1];
  console.log('');
  console.log(title);
  for (const [label, t] of rows) {
    console.log(`${label.padEnd(58)}${`${t.median.toFixed(0)} / ${t.fastest.toFixed(0)}`.padStart(14)}`
      + `${`${(t.median / base.median).toFixed(2)}x`.padStart(10)}`);
  }
}

export function pairSynthBench(runs = 7): void {
  const apps: Array<[string, () => App]> = [
    ['plain aws-eks-v2, one cluster (1 stack, no plugins)', plainOneCluster],
    ['plain aws-eks-v2 fixture, cluster + database (3 stacks)', () => buildPlainEksApp(freshApp())],
    ['example pair, plugins off (4 stacks, 2 clusters)', () => buildApp(freshApp(), { checks: false })],
    ['example pair as `cdk synth` runs it (3 plugins)', () => buildApp(freshApp())],
  ];
  const timings = timeSynths(apps.map(([, build]) => build), runs);
  printRows(`Synthesis, build + app.synth() in one process (median / fastest of ${runs} interleaved runs after a warm-up, ms; ratio of medians)`,
    apps.map(([label], i) => [label, timings[i]] as const));

  // As `cdk synth` runs an app: a fresh node process that loads the code, builds the app and writes the assembly.
  const files: Array<[string, string]> = [
    ['plain aws-eks-v2, one cluster', path.join(__dirname, 'plain-one-cluster-app.ts')],
    ['example pair (bin/app.ts, 3 plugins)', path.join(__dirname, '..', 'bin', 'app.ts')],
  ];
  const processRuns = 5;
  const processTimes: number[][] = files.map(() => []);
  for (let i = 0; i < processRuns; i++) files.forEach(([, file], j) => processTimes[j].push(timeProcess(file)));
  printRows(`The same as a program, the way cdk.json runs it (median / fastest of ${processRuns} interleaved runs, ms; ratio of medians)`,
    files.map(([label], i) => [label, summary(processTimes[i])] as const));
}

if (require.main === module) pairSynthBench();
