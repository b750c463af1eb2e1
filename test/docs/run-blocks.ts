/**
 * Runs every code block of the docs in one process, each as `cdk synth` runs an app: CDK_OUTDIR
 * (read when an App is constructed) says where the block's Apps write, and each App synthesizes
 * itself through the 'beforeExit' listener it registers, called here as soon as the block is loaded,
 * so each block's error is its own and its construct tree can be freed. Records, per block, the
 * validation plugins (cdk-nag packs, ConnectivityChecks, cfn-guard) that ran, and any error.
 *
 * Usage: node -r <ts-node register> run-blocks.ts <blocks.json> <results.json>, where blocks.json is
 * `[{ name, file, outdir }]`; `cdk-safe-eks` resolves to lib/index.ts.
 */
import * as fs from 'fs';
import * as path from 'path';

/** What the test reads back for each block. */
export interface BlockResult {
  readonly error?: string;
  /** Class names of the validation plugins whose `validate` ran during the block's synthesis. */
  readonly pluginsRun: string[];
  readonly ms: number;
}

interface BlockToRun {
  readonly name: string;
  readonly file: string;
  readonly outdir: string;
}

interface Plugin {
  validate(context: unknown): unknown;
}

const root = path.join(__dirname, '..', '..');
// The docs import the library by its package name; here that is the sources.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Node's resolver, patched for one request
const Module = require('module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolveFilename.call(this, request === 'cdk-safe-eks' ? path.join(root, 'lib', 'index.ts') : request, ...rest);
};

function main(blocksFile: string, resultsFile: string): void {
  const blocks = JSON.parse(fs.readFileSync(blocksFile, 'utf8')) as BlockToRun[];
  const results: { [name: string]: BlockResult } = {};
  let current: string[] = [];
  // The copy the blocks load (NODE_PATH is this repository's node_modules).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same module instance as the blocks'
  const { Validations } = require(require.resolve('aws-cdk-lib', { paths: [root] })) as typeof import('aws-cdk-lib');
  const addPlugins = Validations.prototype.addPlugins;
  Validations.prototype.addPlugins = function (this: import('aws-cdk-lib').Validations, ...plugins) {
    const ran = current;
    for (const plugin of plugins as unknown as Plugin[]) {
      const validate = plugin.validate.bind(plugin);
      plugin.validate = (context) => {
        ran.push(plugin.constructor.name);
        return validate(context);
      };
    }
    return addPlugins.apply(this, plugins);
  };

  for (const block of blocks) {
    const start = process.hrtime.bigint();
    const pluginsRun: string[] = [];
    current = pluginsRun;
    process.env.CDK_OUTDIR = block.outdir;
    const listeners = new Set(process.listeners('beforeExit'));
    let error: string | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the block runs as `cdk synth` runs an app's entry file
      require(block.file);
      for (const synth of process.listeners('beforeExit').filter((l) => !listeners.has(l))) {
        process.removeListener('beforeExit', synth);
        (synth as () => void)();
      }
    } catch (e) {
      error = e instanceof Error ? e.stack ?? e.message : String(e);
    } finally {
      // A block that failed half-way leaves its Apps' listeners; they must not synthesize at exit.
      for (const l of process.listeners('beforeExit').filter((x) => !listeners.has(x))) process.removeListener('beforeExit', l);
    }
    results[block.name] = { error, pluginsRun, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  }
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
}

main(process.argv[2], process.argv[3]);
