import * as fs from 'fs';
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
