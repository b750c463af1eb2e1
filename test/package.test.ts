import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { buildApp } from '../bin/app';
import { ExitCode } from '../lib/cli/program';
import { ChangeReport } from '../lib/model/change-verdicts';
import { testApp } from './helpers';
import { librarySources, staleBuild } from './support/jsii-assembly';

/**
 * What `npm pack` ships, on a fresh build (`npm run build`, the `prepack` script): the compiled
 * library, its declarations, the jsii assembly, the CLI shim, README, LICENSE and the bundled
 * commander and CloudFormation resource schemas; nothing else.
 * The expected list is derived from lib/, so a new module is expected in the package without editing
 * this test, and anything else that slips in (sources, tests, the example app) fails it.
 */
const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackEntry { readonly path: string }
interface PackResult { readonly files: PackEntry[]; readonly entryCount: number; readonly size: number }

let packed: PackResult;

beforeAll(() => {
  // `npm test` builds before jest runs; a run of this file alone builds when lib/ is newer than the build.
  if (staleBuild() !== undefined) execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'pipe' });
  // The build is fresh (above); --ignore-scripts keeps prepack's output out of the JSON.
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  packed = (JSON.parse(out) as PackResult[])[0];
}, 300_000);

describe('npm package', () => {
  test('holds exactly the compiled library, declarations, .jsii, the CLI shim, README and LICENSE', () => {
    const compiled = librarySources().flatMap((f) => [`dist/${f.replace(/\.ts$/, '.js')}`, `dist/${f.replace(/\.ts$/, '.d.ts')}`]);
    const expected = ['.jsii', 'LICENSE', 'README.md', 'bin/cdk-safe-eks.js', 'package.json', ...compiled].sort();
    const paths = packed.files.map((f) => f.path);
    // commander and the CloudFormation resource schemas (for `diff`) are bundled, with the schemas' own
    // dependencies: jsii accepts a non-jsii runtime dependency only when bundled.
    const bundled = paths.filter((p) => p.startsWith('node_modules/'));
    expect(bundled).toEqual(expect.arrayContaining([
      'node_modules/commander/package.json', 'node_modules/commander/index.js',
      'node_modules/@aws-cdk/aws-service-spec/package.json', 'node_modules/@aws-cdk/aws-service-spec/db.json.gz',
    ]));
    const BUNDLED = ['commander', '@aws-cdk/aws-service-spec', '@aws-cdk/service-spec-types', '@cdklabs/tskb'];
    expect(bundled.filter((p) => !BUNDLED.some((name) => p.startsWith(`node_modules/${name}/`)))).toEqual([]);
    expect(paths.filter((p) => !p.startsWith('node_modules/')).sort()).toEqual(expected);
  });

  test('entry points and the bin resolve to files in the package; runtime needs no ts-node', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const files = new Set(packed.files.map((f) => f.path));
    expect(files).toContain(pkg.main);
    expect(files).toContain(pkg.types);
    expect(files).toContain(pkg.bin['cdk-safe-eks']);
    expect(Object.keys(pkg.dependencies)).toEqual(['@aws-cdk/aws-service-spec', 'commander']);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'cdk-nag', 'constructs']);
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  test('the bin shim runs the compiled CLI with exit codes intact', () => {
    const shim = path.join(root, 'bin', 'cdk-safe-eks.js');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-pack-'));
    const example = buildApp(new App({ outdir: path.join(tmp, 'cdk.out'), context: testApp().node.getAllContext() })).synth().directory;
    const missing = spawnSync(process.execPath, [shim, 'verify', path.join(tmp, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(ExitCode.UNUSABLE);
    expect(missing.stderr).toMatch(/^cdk-safe-eks: .* does not exist/);
    const ok = spawnSync(process.execPath, [shim, 'verify', example], { encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(ExitCode.OK);
    // diff in a process of its own: the schema package loads on demand from the compiled build.
    const older = buildApp(new App({ outdir: path.join(tmp, 'older.out'), context: testApp().node.getAllContext() }),
      { idleVersion: eks.KubernetesVersion.V1_33 }).synth().directory;
    const diff = spawnSync(process.execPath, [shim, 'diff', older, example, '--json'], { encoding: 'utf8' });
    expect(diff.status).toBe(ExitCode.OK);
    expect((JSON.parse(diff.stdout) as ChangeReport).safe).toBe(true);
  }, 300_000);

  test('API.md is what `npm run docgen` generates from the jsii assembly (run it after an API change)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-docgen-'));
    execFileSync(process.execPath, [require.resolve('jsii-docgen/bin/jsii-docgen'), '-o', path.join(tmp, 'API.md')], { cwd: root, stdio: 'pipe' });
    const fresh = fs.readFileSync(path.join(tmp, 'API.md'), 'utf8');
    const committed = fs.readFileSync(path.join(root, 'API.md'), 'utf8');
    expect(committed === fresh ? 'up to date' : 'API.md is stale: run `npm run docgen` and commit API.md').toBe('up to date');
  }, 300_000);
});
