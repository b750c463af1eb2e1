import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every `throw` in lib/ throws an error `SafeEksErrors` recognises, read from the sources with the
 * TypeScript parser: `new X(...)` of a class that extends `CodedError` (directly or through another),
 * a call of a function or arrow whose result is one, or the rethrow of a caught value. A bare
 * `throw new Error(...)` or `TypeError` fails here; there is no allow-list.
 */
const LIB = path.join(__dirname, '..', 'lib');

const sources = fs.readdirSync(LIB, { recursive: true, encoding: 'utf-8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => ts.createSourceFile(f, fs.readFileSync(path.join(LIB, f), 'utf-8'), ts.ScriptTarget.Latest, true));

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Classes whose instances carry the brand: `CodedError` and every class that extends one of them. */
function brandedClasses(): Set<string> {
  const parents = new Map<string, string>();
  for (const source of sources) {
    walk(source, (n) => {
      if (!ts.isClassDeclaration(n) || n.name === undefined) return;
      const base = n.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
      if (base !== undefined && ts.isIdentifier(base)) parents.set(n.name.text, base.text);
    });
  }
  const branded = new Set(['CodedError']);
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, base] of parents) {
      if (branded.has(base) && !branded.has(name)) {
        branded.add(name);
        grew = true;
      }
    }
  }
  return branded;
}

const BRANDED = brandedClasses();

const makesBranded = (body: ts.Node | undefined): boolean => body !== undefined
  && ts.isNewExpression(body) && ts.isIdentifier(body.expression) && BRANDED.has(body.expression.text);

/** Functions declared to return a branded class, and arrows (`const bad = (...) => new PairStateError(...)`) that make one. */
function brandedFactories(): Set<string> {
  const names = new Set<string>();
  for (const source of sources) {
    walk(source, (n) => {
      if (ts.isFunctionDeclaration(n) && n.name !== undefined && n.type !== undefined
        && ts.isTypeReferenceNode(n.type) && ts.isIdentifier(n.type.typeName) && BRANDED.has(n.type.typeName.text)) names.add(n.name.text);
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer !== undefined
        && ts.isArrowFunction(n.initializer) && makesBranded(n.initializer.body)) names.add(n.name.text);
    });
  }
  return names;
}

const FACTORIES = brandedFactories();

/** True when `id` is the variable of a catch clause around `node`: a rethrow of what was caught. */
function isCaughtValue(node: ts.Node, id: ts.Identifier): boolean {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) {
    if (ts.isCatchClause(n) && n.variableDeclaration !== undefined && ts.isIdentifier(n.variableDeclaration.name)
      && n.variableDeclaration.name.text === id.text) return true;
  }
  return false;
}

interface Throw { readonly where: string; readonly text: string; readonly ok: boolean }

function throwsOfLib(): Throw[] {
  const found: Throw[] = [];
  for (const source of sources) {
    walk(source, (n) => {
      if (!ts.isThrowStatement(n)) return;
      const e = n.expression;
      const ok = makesBranded(e)
        || (ts.isIdentifier(e) && isCaughtValue(n, e))
        || (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && FACTORIES.has(e.expression.text));
      const line = source.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      found.push({ where: `lib/${source.fileName}:${line}`, text: e.getText().split('\n')[0], ok });
    });
  }
  return found;
}

describe('the error contract over lib/', () => {
  const throws = throwsOfLib();

  test('the scan finds the error classes and the throws', () => {
    expect([...BRANDED].sort()).toEqual(expect.arrayContaining(['AssemblyError', 'InvalidArgumentError', 'PairStateError', 'SafeEksError']));
    expect(FACTORIES.size).toBeGreaterThan(0);
    expect(throws.length).toBeGreaterThan(90);
  });

  test('every throw in lib/ throws an error SafeEksErrors recognises', () => {
    expect(throws.filter((t) => !t.ok).map((t) => `${t.where}: throw ${t.text}`)).toEqual([]);
  });
});
