import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The layering CONTRIBUTING.md's Architecture section describes, checked over the TypeScript import graph
 * (the same rule is in .eslint.config.mjs for editors; this test is what CI cannot skip).
 */
const ROOT = path.join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Import specifiers of a file: relative ones resolved to a repo-relative path, packages as written. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, false);
  return info.importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return fileName;
    const target = path.resolve(path.dirname(file), fileName);
    const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find((f) => fs.existsSync(f)) ?? target;
    return path.relative(ROOT, resolved);
  });
}

const graph = new Map(['lib', 'bench', 'bin'].flatMap((d) => sourceFiles(path.join(ROOT, d)))
  .map((file) => [path.relative(ROOT, file), importsOf(file)]));

/** `lib/<folder>` of a repo-relative path, or undefined outside lib/ (top-level lib/index.ts is `lib`). */
function folderOf(file: string): string | undefined {
  const parts = file.split(path.sep);
  if (parts[0] !== 'lib') return undefined;
  return parts.length > 2 ? `lib/${parts[1]}` : 'lib';
}

function violations(folder: string, allowed: (target: string) => boolean): string[] {
  return [...graph].filter(([file]) => file.startsWith(`${folder}/`))
    .flatMap(([file, targets]) => targets.filter((t) => !allowed(t)).map((t) => `${file} -> ${t}`));
}

describe('layering of lib/', () => {
  test('lib/model is pure TypeScript: no aws-cdk-lib, constructs, cdk-nag or another lib/ folder', () => {
    expect(violations('lib/model', (t) => ['fs', 'path'].includes(t) || folderOf(t) === 'lib/model')).toEqual([]);
  });

  test('lib/private is a leaf: it imports no other lib/ folder than the pure model (the error codes)', () => {
    expect(violations('lib/private', (t) => !t.startsWith('lib') || ['lib/private', 'lib/model'].includes(folderOf(t)!))).toEqual([]);
  });

  test('bench/ imports nothing from test/', () => {
    expect(violations('bench', (t) => !t.startsWith('test'))).toEqual([]);
  });

  test('no import cycle in lib/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) if (graph.has(target) && target.startsWith('lib')) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (file.startsWith('lib')) visit(file, []);
    expect(cycles).toEqual([]);
  });

  test('the graph is read: lib/index.ts reaches the model', () => {
    expect(graph.get(path.join('lib', 'index.ts'))?.length).toBeGreaterThan(5);
    expect(graph.get(path.join('lib', 'model', 'flow-model.ts'))).toContain(path.join('lib', 'model', 'required-flows.ts'));
  });
});

/** The one file allowed to touch aws-cdk-lib internals. */
const INTERNALS_ADAPTER = path.join('lib', 'private', 'cdk-internals.ts');
/** Reflection that reads what a type does not declare: private fields, getters' state. */
const REFLECTION = /^(Reflect\.\w+|Object\.getOwnProperty(Descriptors?|Names|Symbols))$/;
/** aws-cdk-lib's public entry points: the root and one level of submodules (`aws-cdk-lib/aws-ec2`); anything deeper is internal. */
const DEEP_CDK_IMPORT = /^(aws-cdk-lib|constructs)\/.+\/|^(aws-cdk-lib|constructs)\/(lib|core)(\/|$)/;

/** Members starting with `_` that classes of lib/ declare themselves (`@internal` ones of our own). */
function ownUnderscoreMembers(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isClassElement(node) && node.name !== undefined && ts.isIdentifier(node.name) && node.name.text.startsWith('_')
        && node.parent !== undefined && ts.isClassLike(node.parent)) names.add(node.name.text);
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  }
  return names;
}

/** Uses of aws-cdk-lib internals in one file: `_` members not of our own classes, reflection, deep imports. */
function internalsUsed(file: string, own: Set<string>): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${what}`);
  const visit = (node: ts.Node): void => {
    const member = ts.isPropertyAccessExpression(node) ? node.name.text
      : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text
        : ts.isBindingElement(node) && node.propertyName !== undefined && ts.isIdentifier(node.propertyName) ? node.propertyName.text
          : ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && ts.isIdentifier(node.name) ? node.name.text : undefined;
    if (member !== undefined && member.startsWith('_') && !own.has(member)) at(node, `reads the member ${member}`);
    if (ts.isCallExpression(node) && REFLECTION.test(node.expression.getText(source))) at(node, `calls ${node.expression.getText(source)}`);
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)
      && DEEP_CDK_IMPORT.test(node.moduleSpecifier.text)) at(node, `imports ${node.moduleSpecifier.text}`);
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'require' && node.arguments.length === 1
      && ts.isStringLiteralLike(node.arguments[0]) && DEEP_CDK_IMPORT.test(node.arguments[0].text)) at(node, `requires ${node.arguments[0].text}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('aws-cdk-lib internals', () => {
  const libFiles = sourceFiles(path.join(ROOT, 'lib'));
  const own = ownUnderscoreMembers(libFiles);

  test(`only ${INTERNALS_ADAPTER} touches them: no _ member of a CDK object, no reflection, no deep import`, () => {
    expect(libFiles.filter((f) => path.relative(ROOT, f) !== INTERNALS_ADAPTER).flatMap((f) => internalsUsed(f, own))).toEqual([]);
  });

  test('the rule sees every kind of use (in the adapter, and in code written to break it)', () => {
    expect(internalsUsed(path.join(ROOT, INTERNALS_ADAPTER), own).map((u) => u.replace(/^.*:\d+ /, ''))).toEqual(expect.arrayContaining([
      'reads the member _toCloudFormation', 'calls Reflect.get',
    ]));
    const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'internals-')), 'probe.ts');
    fs.writeFileSync(probe, [
      "import { Stack } from 'aws-cdk-lib';",
      "import { ValidationError } from 'aws-cdk-lib/core/lib/errors';",
      "import * as x from 'aws-cdk-lib/aws-ec2/lib/private/util';",
      "const r = require('aws-cdk-lib/core/lib/private/tree');",
      'const stack = new Stack();',
      'const a = (stack as unknown as { _toCloudFormation(): object })._toCloudFormation();',
      "const b = (stack as never)['_missingCrossStack'];",
      'const { _config } = stack as never;',
      "const c = Reflect.get(stack, 'templateFile');",
      "const d = Object.getOwnPropertyDescriptor(stack, 'x');",
      'const e = FlowModelLike._fromReader;',
    ].join('\n'));
    expect(internalsUsed(probe, new Set(['_fromReader'])).map((u) => u.replace(/^.*:(\d+) /, '$1 '))).toEqual([
      '2 imports aws-cdk-lib/core/lib/errors', '3 imports aws-cdk-lib/aws-ec2/lib/private/util', '4 requires aws-cdk-lib/core/lib/private/tree',
      '6 reads the member _toCloudFormation', '7 reads the member _missingCrossStack', '8 reads the member _config', '9 calls Reflect.get',
      '10 calls Object.getOwnPropertyDescriptor',
    ]);
  });
});
