import * as fs from 'fs';
import * as path from 'path';

/**
 * The jsii assembly (`.jsii`) that `npm run build` writes and `npm test` builds before jest runs: the
 * public API as Python, Java or .NET callers see it. Tests that read it fail, rather than read an old
 * one, when a source in lib/ is newer than the build.
 */
const ROOT = path.join(__dirname, '..', '..');
const ASSEMBLY_FILE = path.join(ROOT, '.jsii');

function sourcesUnder(dir: string, root = ROOT): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourcesUnder(rel, root);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The library's sources, repo-relative (`lib/...ts`). */
export function librarySources(): string[] {
  return sourcesUnder('lib');
}

/** Why the build (dist/ and .jsii) of the repo at `root` cannot be used as it is, or undefined when it is newer than every source. */
export function staleBuild(root = ROOT): string | undefined {
  const assembly = path.join(root, '.jsii');
  if (!fs.existsSync(assembly) || !fs.existsSync(path.join(root, 'dist', 'lib', 'index.js'))) return 'the build (.jsii, dist/) is missing';
  const built = fs.statSync(assembly).mtimeMs;
  const newer = sourcesUnder('lib', root).find((f) => fs.statSync(path.join(root, f)).mtimeMs > built);
  return newer === undefined ? undefined : `${newer} is newer than the build`;
}

export interface JsiiTypeRef { readonly fqn?: string; readonly primitive?: string }
export interface JsiiParameter { readonly name: string; readonly type: JsiiTypeRef }
export interface JsiiCallable { readonly name?: string; readonly static?: boolean; readonly parameters?: JsiiParameter[] }
export interface JsiiProperty { readonly name: string; readonly type: JsiiTypeRef; readonly optional?: boolean; readonly docs?: { readonly default?: string } }
export interface JsiiType {
  readonly fqn: string;
  readonly kind: string;
  readonly base?: string;
  readonly datatype?: boolean;
  readonly interfaces?: string[];
  readonly properties?: JsiiProperty[];
  readonly initializer?: JsiiCallable;
  readonly methods?: JsiiCallable[];
}

/** The assembly's types by FQN; throws with the fix when the build is missing or older than lib/. */
export function loadAssemblyTypes(): { readonly [fqn: string]: JsiiType } {
  const stale = staleBuild();
  if (stale !== undefined) throw new Error(`${stale}: run \`npm run build\` (npm test does) before this test`);
  return (JSON.parse(fs.readFileSync(ASSEMBLY_FILE, 'utf8')) as { types: { [fqn: string]: JsiiType } }).types;
}
