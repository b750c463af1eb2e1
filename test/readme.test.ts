import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Every ```ts block of README.md and of each docs/*.md page is a complete program: it is written to a file of its own in a
 * temporary directory, type-checked (strict; the `cdk-safe-eks` import is mapped to lib/index.ts),
 * run with node as `cdk synth` runs an app, and its cloud assembly must
 * have no missing context (no lookups) and no warning or error. Blocks are found, not listed: a
 * block added to the README or a page is tested without editing this file.
 */
const root = path.join(__dirname, '..');
// README.md and every page of docs/: the same rule for all of them.
const documents = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8'));

interface Block { readonly name: string; readonly line: number; readonly code: string }
/** The parts of a cloud assembly manifest the test reads. */
interface Manifest {
  readonly missing?: unknown[];
  readonly artifacts?: { [id: string]: { type: string; metadata?: { [path: string]: { type: string; data?: unknown }[] } } };
}

function tsBlocks(markdown: string, document: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```\s*$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    const line = markdown.slice(0, m.index).split('\n').length;
    blocks.push({ name: `${document === 'README.md' ? 'readme' : document.replace(/\W+/g, '-')}-line-${line}`, line, code: m[1] });
  }
  return blocks;
}

const blocks = documents.flatMap((d) => tsBlocks(fs.readFileSync(path.join(root, d), 'utf8'), d));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-readme-'));
const nodeModules = path.join(root, 'node_modules');

// Resolves `cdk-safe-eks` to the sources and runs TypeScript without a type-check (done once, below).
const register = path.join(work, 'register.js');
fs.writeFileSync(register, `
const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === 'cdk-safe-eks' ? ${JSON.stringify(path.join(root, 'lib', 'index.ts'))} : request, ...rest);
};
require(${JSON.stringify(require.resolve('ts-node'))}).register({
  transpileOnly: true, skipProject: true, compilerOptions: { module: 'commonjs', target: 'es2022', esModuleInterop: true },
});
`);

// One process runs every block, as `cdk synth` runs an app: CDK_OUTDIR (read when each App is
// constructed) says where that block's App writes, and each App synthesizes itself when the process ends.
const runner = path.join(work, 'run-blocks.js');
fs.writeFileSync(runner, `
// Each App synthesizes itself on 'beforeExit': one listener per App, and the blocks hold more than ten.
process.setMaxListeners(0);
for (const [file, outdir] of JSON.parse(process.argv[2])) {
  process.env.CDK_OUTDIR = outdir;
  try { require(file); } catch (e) { require('fs').writeFileSync(outdir + '.error', String(e && e.stack || e)); }
}
`);
let run: { status: number | null; stderr: string };

beforeAll(() => {
  for (const block of blocks) fs.writeFileSync(path.join(work, `${block.name}.ts`), block.code);
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['es2022'], strict: true, noEmit: true,
      esModuleInterop: true, skipLibCheck: true, baseUrl: '.', typeRoots: [path.join(nodeModules, '@types')], types: ['node'],
      paths: { 'cdk-safe-eks': [path.join(root, 'lib', 'index.ts')], '*': [path.join(nodeModules, '*')] },
    },
    files: blocks.map((b) => `${b.name}.ts`),
  }));
  const files = blocks.map((b) => [path.join(work, `${b.name}.ts`), outdirOf(b)]);
  run = spawnSync(process.execPath, ['-r', register, runner, JSON.stringify(files)], {
    cwd: work,
    encoding: 'utf8',
    // NODE_PATH: the blocks import aws-cdk-lib and cdk-nag from outside the repo; context: cdk.json's, as `cdk synth` passes it.
    env: { ...process.env, NODE_PATH: nodeModules, CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context ?? {}) },
  });
}, 600_000);

function outdirOf(block: Block): string {
  return path.join(work, `${block.name}.out`);
}

describe('README.md and docs/*.md', () => {
  test('has ts blocks, each a module with its own imports', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(`${block.name}: ${/^import /m.test(block.code)}`).toBe(`${block.name}: true`);
  });

  test('every ts block type-checks (strict)', () => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(work, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 300_000);

  test.each(blocks.map((b) => [b.name, b] as const))('%s synthesizes offline without warnings', (_, block) => {
    const outdir = outdirOf(block);
    const error = fs.existsSync(`${outdir}.error`) ? fs.readFileSync(`${outdir}.error`, 'utf8') : '';
    expect(error).toBe('');
    expect(fs.existsSync(path.join(outdir, 'manifest.json')) ? 'synthesized' : `not synthesized; the run exited ${run.status}: ${run.stderr}`).toBe('synthesized');
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.missing ?? []).toEqual([]);
    const artifacts = Object.values(manifest.artifacts ?? {});
    const messages = artifacts.flatMap((artifact) => Object.entries(artifact.metadata ?? {})
      .flatMap(([where, entries]) => entries
        .filter((e) => e.type === 'aws:cdk:warning' || e.type === 'aws:cdk:error')
        .map((e) => `${where}: ${e.type} ${JSON.stringify(e.data)}`)));
    expect(messages).toEqual([]);
    expect(artifacts.some((a) => a.type === 'aws:cloudformation:stack')).toBe(true);
  });

  test('the run of the blocks exited 0', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
