/**
 * The release lock (CI runs it after `npm test`, which builds the CLI): for every released version
 * below package.json's, synthesizes today's example app and consumer app with the context that release's
 * apps had (its cdk.json: the feature flags an existing app has, untouched), diffs the released assembly
 * to today's with the library's own `cdk-safe-eks diff`, and fails unless every unsafe verdict is a
 * breaking change the CHANGELOG names (scripts/release-verdict.ts).
 * Usage: npx ts-node --swc scripts/release-lock.ts
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LockFinding, compareVersions, releaseProblems } from './release-verdict';

const root = path.resolve(__dirname, '..');
const releases = path.join(root, 'test', 'fixtures', 'releases');
const version: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-release-lock-'));

/** The apps each release directory holds, and how today's copy of each is synthesized. */
const APPS: { [app: string]: () => string } = {
  example: () => path.join(root, 'bin', 'app.ts'),
  // The consumer imports the package by name; today's copy imports the sources instead.
  consumer: () => {
    const dir = path.join(root, '.release-lock');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'consumer-app.ts');
    fs.writeFileSync(file, fs.readFileSync(path.join(root, '.ci', 'consumer', 'app.ts'), 'utf8').replace(/from 'cdk-safe-eks'/g, "from '../lib'"));
    return file;
  },
};

function synth(app: string, context: unknown): string {
  // Keyed by a digest of the whole context: releases whose contexts share a prefix must not share a synthesis.
  const outdir = path.join(work, `${app}-${createHash('sha256').update(JSON.stringify(context)).digest('hex').slice(0, 16)}`);
  if (fs.existsSync(outdir)) return outdir;
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--swc', '--prefer-ts-exts', APPS[app]()], {
    cwd: root, encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_DEFAULT_ACCOUNT: '', CDK_DEFAULT_REGION: '' },
  });
  if (run.status !== 0) throw new Error(`synthesizing today's ${app} app failed:\n${run.stderr}`);
  return outdir;
}

function diff(before: string, after: string): { findings: LockFinding[]; text: string } {
  const cli = path.join(root, 'bin', 'cdk-safe-eks.js');
  const run = spawnSync(process.execPath, [cli, 'diff', before, after, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 4) throw new Error(`cdk-safe-eks diff ${before} ${after} exited ${run.status}:\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as { findings: LockFinding[] };
  return { findings: report.findings, text: run.status === 0 ? 'SAFE' : `UNSAFE (${report.findings.length} findings)` };
}

const released = fs.readdirSync(releases).filter((v) => /^\d+\.\d+\.\d+$/.test(v) && compareVersions(v, version) < 0).sort(compareVersions);
if (released.length === 0) throw new Error(`no released assembly below ${version} in ${releases}`);
const problems: string[] = [];
for (const v of released) {
  for (const app of Object.keys(APPS)) {
    const fixture = path.join(releases, v, app);
    const context: unknown = JSON.parse(fs.readFileSync(path.join(fixture, 'context.json'), 'utf8'));
    const result = diff(fixture, synth(app, context));
    process.stdout.write(`release lock: ${app} ${v} -> ${version} (today): ${result.text}\n`);
    problems.push(...releaseProblems({ version, released: v, changelog, app, findings: result.findings }));
  }
}
fs.rmSync(work, { recursive: true, force: true });
for (const p of problems) process.stderr.write(`release lock: ${p}\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
