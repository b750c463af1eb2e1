import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CodeBlock, ROOT, allDocs, headingAnchors, relativeLinks, tsBlocks, userDocs } from './docs/markdown';
import { BlockResult } from './docs/run-blocks';
import { DEFAULT_STATE_FILE, emptyState, writeStateFile } from '../lib/blue-green/pair-state';

/**
 * Every ```ts block of README.md and of docs/**\/*.md is a complete program: it is written to a file of
 * its own in a temporary directory, type-checked (strict; the `cdk-safe-eks` import is mapped to
 * lib/index.ts), run as `cdk synth` runs an app, and its cloud assembly must have no missing context
 * (no lookups) and no warning or error. The validation packs a block names run in its synthesis.
 * Blocks are found, not listed: a block added to the docs is tested without editing this file.
 * One type-check of all blocks and one process that runs them all, side by side.
 */
const docs = userDocs();
const blocks = docs.flatMap(tsBlocks);
const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
const nodeModules = path.join(ROOT, 'node_modules');

/** The validation plugins a block may name; each one it names must run. */
const PACKS = ['AwsSolutionsChecks', 'HIPAASecurityChecks', 'NIST80053R5Checks', 'PCIDSS321Checks', 'ServerlessChecks',
  'EksUpgradeSafetyChecks', 'ConnectivityChecks', 'CfnGuardValidator'];

/** The parts of a cloud assembly manifest the test reads. */
interface Artifact {
  readonly type: string;
  readonly metadata?: { [path: string]: { type: string; data?: unknown }[] };
  /** aws-cdk-lib writes a stack's metadata to this file (beside the manifest) instead of `metadata`. */
  readonly additionalMetadataFile?: string;
}
interface Manifest {
  readonly missing?: unknown[];
  readonly artifacts?: { [id: string]: Artifact };
}
interface ValidationReport {
  readonly pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[];
}

interface Run { readonly status: number | null; readonly stdout: string; readonly stderr: string; readonly ms: number }

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - start }));
  });
}

describe('code blocks of README.md and docs/', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-docs-'));
  const outdirOf = (block: CodeBlock) => path.join(work, `${block.name}.out`);
  let tsc: Run;
  let synth: Run;
  let results: { [name: string]: BlockResult } = {};

  beforeAll(async () => {
    for (const block of blocks) fs.writeFileSync(path.join(work, `${block.name}.ts`), block.code);
    // The state file a reader's `npx cdk-safe-eks pair init` writes before the first deploy, which a pair needs to synthesize.
    writeStateFile(path.join(work, DEFAULT_STATE_FILE), emptyState());
    fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['es2022'], strict: true, noEmit: true,
        esModuleInterop: true, skipLibCheck: true, baseUrl: '.', typeRoots: [path.join(nodeModules, '@types')], types: ['node'],
        paths: { 'cdk-safe-eks': [path.join(ROOT, 'lib', 'index.ts')], '*': [path.join(nodeModules, '*')] },
      },
      files: blocks.map((b) => `${b.name}.ts`),
    }));
    // ts-node with swc, as cdk.json runs an app: transpiled, not type-checked (tsc does that, once, beside it).
    const register = path.join(work, 'register.js');
    fs.writeFileSync(register, `require(${JSON.stringify(require.resolve('ts-node'))}).register(${JSON.stringify({
      swc: true, skipProject: true, compilerOptions: { module: 'commonjs', target: 'es2022', esModuleInterop: true },
    })});`);
    const blocksFile = path.join(work, 'blocks.json');
    const resultsFile = path.join(work, 'results.json');
    fs.writeFileSync(blocksFile, JSON.stringify(blocks.map((b) => ({ name: b.name, file: path.join(work, `${b.name}.ts`), outdir: outdirOf(b) }))));
    // The type-check and the synthesis are independent: they run side by side.
    [tsc, synth] = await Promise.all([
      run([require.resolve('typescript/bin/tsc'), '-p', path.join(work, 'tsconfig.json')]),
      run(['-r', register, path.join(__dirname, 'docs', 'run-blocks.ts'), blocksFile, resultsFile], {
        cwd: work,
        env: {
          ...process.env,
          // The blocks import aws-cdk-lib and cdk-nag from outside the repo.
          NODE_PATH: nodeModules,
          // cdk.json's context, as `cdk synth` passes it.
          CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context ?? {}),
        },
      }),
    ]);
    if (fs.existsSync(resultsFile)) results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  }, 600_000);

  test('there are ts blocks, each a module with its own imports', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(`${block.where}: ${/^import /m.test(block.code)}`).toBe(`${block.where}: true`);
  });

  test('every ts block type-checks (strict)', () => {
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  test.each(blocks.map((b) => [b.where, b] as const))('%s synthesizes offline without warnings, with the packs it names', (_, block) => {
    const result = results[block.name];
    expect(result === undefined ? `not run; the run exited ${synth.status}: ${synth.stderr}` : 'run').toBe('run');
    expect(result.error ?? '').toBe('');
    const outdir = outdirOf(block);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.missing ?? []).toEqual([]);
    const artifacts = Object.values(manifest.artifacts ?? {});
    const metadataOf = (artifact: Artifact) => ({
      ...artifact.metadata,
      ...(artifact.additionalMetadataFile === undefined ? {} : JSON.parse(fs.readFileSync(path.join(outdir, artifact.additionalMetadataFile), 'utf8'))),
    }) as NonNullable<Artifact['metadata']>;
    const messages = artifacts.flatMap((artifact) => Object.entries(metadataOf(artifact))
      .flatMap(([where, entries]) => entries
        .filter((e) => e.type === 'aws:cdk:warning' || e.type === 'aws:cdk:error')
        .map((e) => `${where}: ${e.type} ${JSON.stringify(e.data)}`)));
    expect(messages).toEqual([]);
    expect(artifacts.some((a) => a.type === 'aws:cloudformation:stack')).toBe(true);
    const reportFile = path.join(outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport : { pluginReports: [] };
    expect(report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.ruleName}: ${v.description}`))).toEqual([]);
    const named = PACKS.filter((pack) => new RegExp(`\\b${pack}\\b`).test(block.code));
    expect(named.filter((pack) => !result.pluginsRun.includes(pack))).toEqual([]);
  });

  test('the quick start (the README\'s first block) passes cdk-nag AwsSolutions as written', () => {
    const quickStart = blocks.find((b) => b.where.startsWith('README.md:'));
    expect(quickStart).toBeDefined();
    expect(results[quickStart!.name]?.error ?? '').toBe('');
    expect(results[quickStart!.name]?.pluginsRun).toContain('AwsSolutionsChecks');
  });

  test('the run of the blocks exited 0', () => {
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
  });
});

describe('relative links of README.md, CONTRIBUTING.md, CHANGELOG.md and docs/', () => {
  const links = allDocs().flatMap(relativeLinks);
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    if (!anchorsOf.has(file)) anchorsOf.set(file, headingAnchors(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    return anchorsOf.get(file)!;
  };

  test('there are links', () => {
    expect(links.length).toBeGreaterThan(0);
  });

  test('every link points to a file that exists', () => {
    expect(links.filter((l) => !fs.existsSync(path.join(ROOT, l.file))).map((l) => `${l.where}: ${l.target}`)).toEqual([]);
  });

  test('every anchor names a heading of its file', () => {
    const broken = links.filter((l) => l.anchor !== undefined && l.file.endsWith('.md') && fs.existsSync(path.join(ROOT, l.file))
      && !anchors(l.file).has(l.anchor));
    expect(broken.map((l) => `${l.where}: ${l.target}`)).toEqual([]);
  });

});
