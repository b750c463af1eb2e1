import { spawnSync } from 'child_process';
import * as path from 'path';
import * as ts from 'typescript';
import * as api from '../lib';

/** Optional properties of exported interfaces, reachable from lib/index.ts, that lack a `@default` tag. */
function optionalPropsWithoutDefault(): string[] {
  const program = ts.createProgram([path.join(__dirname, '..', 'lib', 'index.ts')], { strict: true });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(path.join(__dirname, '..', 'lib', 'index.ts'))!)!;
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(index)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of symbol.declarations ?? []) {
      if (!ts.isInterfaceDeclaration(declaration)) continue;
      for (const member of declaration.members) {
        if (!ts.isPropertySignature(member) || member.questionToken === undefined) continue;
        if (!ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'default')) {
          missing.push(`${declaration.name.text}.${member.name.getText()}`);
        }
      }
    }
  }
  return missing;
}

describe('public API (lib/index.ts)', () => {
  test('every optional property documents its @default', () => {
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
  test('importing the library does not load the resource-schema package (only `diff` does)', () => {
    const script = "require('./lib'); console.log(Object.keys(require.cache).filter((k) => k.includes('aws-service-spec')).length)";
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script],
      { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' } });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('0');
  });
});
