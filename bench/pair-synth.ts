/**
 * Synthesis of the example pair (bin/app.ts: four stacks, two clusters, Aurora, Valkey, ALB, three
 * validation plugins) against a plain aws-eks-v2 app with one cluster, side by side: as the README's
 * main job runs them (`cdk synth`, a fresh process each time), and in one warm process (build and
 * `app.synth()` only) to show what the constructs themselves cost.
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

const ROOT = path.join(__dirname, '..');
const CDK_JSON = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf-8'));
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

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

/**
 * The app command of cdk.json with the example's entry file swapped for `appFile`, so both apps are
 * run exactly alike (same runner, same transpiler, same flags).
 */
function appCommand(appFile: string): string {
  const command = CDK_JSON.app as string;
  if (!command.includes('bin/app.ts')) throw new Error(`cdk.json "app" (${command}) no longer names bin/app.ts; update bench/pair-synth.ts`);
  return command.replace('bin/app.ts', path.relative(ROOT, appFile));
}

/**
 * Wall time of `npx cdk synth --quiet`, the README's main job, with `appFile` as the app, in ms: npx
 * finds the CLI, which starts, hands the app its context, runs it and reads the assembly back.
 * Notices are off, so nothing waits on the network.
 */
function timeCdkSynth(appFile: string): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-bench-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(NPX, ['cdk', 'synth', '--quiet', '--no-notices', '--app', appCommand(appFile), '--output', outdir], {
    cwd: ROOT, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`cdk synth of ${appFile} failed: ${result.stderr.toString().slice(0, 800)}`);
  return ms;
}

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

  // The README's main job: `npx cdk synth`, which starts the CLI, runs the app as cdk.json says and reads the assembly back.
  const files: Array<[string, string]> = [
    ['plain aws-eks-v2, one cluster (the target\'s baseline)', path.join(__dirname, 'plain-one-cluster-app.ts')],
    ['the same with cdk-nag AwsSolutions', path.join(__dirname, 'plain-one-cluster-nag-app.ts')],
    ['example pair (bin/app.ts, 3 plugins)', path.join(ROOT, 'bin', 'app.ts')],
  ];
  const processRuns = 11;
  files.forEach(([, file]) => timeCdkSynth(file));
  const processTimes: number[][] = files.map(() => []);
  for (let i = 0; i < processRuns; i++) files.forEach(([, file], j) => processTimes[j].push(timeCdkSynth(file)));
  printRows(`\`npx cdk synth --quiet\` of each app, run by cdk.json's command "${CDK_JSON.app}" (median / fastest of ${processRuns} interleaved runs after a warm-up, ms; ratio of medians)`,
    files.map(([label], i) => [label, summary(processTimes[i])] as const));
}

if (require.main === module) pairSynthBench();
