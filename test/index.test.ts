import { spawnSync } from 'child_process';
import * as path from 'path';
import * as api from '../lib';
import { JsiiType, loadAssemblyTypes } from './support/jsii-assembly';

const root = path.join(__dirname, '..');

function assemblyTypes(): JsiiType[] {
  return Object.values(loadAssemblyTypes());
}

/** Optional properties of the exported interfaces (structs and behavioural ones) that lack a `@default` tag. */
function optionalPropsWithoutDefault(): string[] {
  return assemblyTypes().filter((t) => t.kind === 'interface')
    .flatMap((t) => (t.properties ?? []).filter((p) => p.optional && p.docs?.default === undefined).map((p) => `${t.fqn}.${p.name}`));
}

describe('public API (lib/index.ts)', () => {
  test('every optional property documents its @default', () => {
    expect(assemblyTypes().some((t) => t.kind === 'interface' && (t.properties ?? []).some((p) => p.optional))).toBe(true);
    expect(optionalPropsWithoutDefault()).toEqual([]);
  });

  test('exports the constructs, the flow table, the checks and nothing from the CLI', () => {
    expect(Object.keys(api)).toEqual(expect.arrayContaining([
      'SafeCluster', 'SafeNodegroup', 'RequiredFlows', 'DependentDatabase', 'DependentCache', 'DataStoreAccess',
      'EksUpgradeSafetyChecks', 'ConnectivityChecks', 'FlowModel',
    ]));
    expect(Object.keys(api)).not.toContain('runCli');
  });
});

describe('what a construct-only user loads', () => {
  test('importing the compiled library does not load the resource-schema package (only `diff` does)', () => {
    const script = "require('./dist/lib'); console.log(Object.keys(require.cache).filter((k) => k.includes('aws-service-spec')).length)";
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('0');
  });

  test('importing the compiled library loads no AWS SDK module (the live commands are in cdk-safe-eks-cli)', () => {
    const script = "require('./dist/lib'); console.log(Object.keys(require.cache).filter((k) => k.includes('@aws-sdk') || k.includes('packages/cli')).length)";
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('0');
  });
});
