import * as fs from 'fs';
import * as path from 'path';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** A Markdown file of the repository, by its path from the root (`docs/proofs.md`). */
export interface MarkdownFile {
  readonly file: string;
  readonly text: string;
}

/** A fenced ```ts block: where it is and its code. */
export interface CodeBlock {
  /** `<file>:<line>` of the opening fence. */
  readonly where: string;
  /** A file name for the block (`docs-proofs.md-line-12`). */
  readonly name: string;
  readonly code: string;
}

/** A relative link or image of a Markdown file: its target file (from the root) and anchor. */
export interface RelativeLink {
  readonly where: string;
  readonly target: string;
  readonly file: string;
  readonly anchor?: string;
}

/** README.md and every Markdown file under docs/, found rather than listed. */
export function userDocs(): MarkdownFile[] {
  const files = ['README.md', ...markdownUnder('docs')];
  return files.map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }));
}

/** The user docs, CONTRIBUTING.md and CHANGELOG.md: every file whose links a reader follows. */
export function allDocs(): MarkdownFile[] {
  const extra = ['CONTRIBUTING.md', 'CHANGELOG.md'].filter((f) => fs.existsSync(path.join(ROOT, f)));
  return [...userDocs(), ...extra.map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }))];
}

function markdownUnder(dir: string): string[] {
  if (!fs.existsSync(path.join(ROOT, dir))) return [];
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return markdownUnder(rel);
    return entry.name.endsWith('.md') ? [rel] : [];
  }).sort();
}

const FENCE = /^```(\S*)[^\n]*\n([\s\S]*?)^```\s*$/gm;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every ```ts (or ```typescript) block of a file. */
export function tsBlocks(doc: MarkdownFile): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const m of doc.text.matchAll(FENCE)) {
    if (m[1] !== 'ts' && m[1] !== 'typescript') continue;
    const line = lineOf(doc.text, m.index);
    blocks.push({ where: `${doc.file}:${line}`, name: `${doc.file.replace(/\//g, '-')}-line-${line}`, code: m[2] });
  }
  return blocks;
}

/** The text outside fenced blocks and inline code, where links are links. */
function prose(text: string): string {
  return text.replace(FENCE, (block) => block.replace(/[^\n]/g, ' ')).replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
}

/** Relative links and images (`[text](target)`, `![alt](target)`), with the file they point to. */
export function relativeLinks(doc: MarkdownFile): RelativeLink[] {
  const text = prose(doc.text);
  const links: RelativeLink[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [filePart, anchor] = target.split('#', 2);
    const file = filePart === '' ? doc.file : path.posix.normalize(path.posix.join(path.posix.dirname(doc.file), filePart));
    links.push({ where: `${doc.file}:${lineOf(doc.text, m.index)}`, target, file, anchor: anchor === undefined ? undefined : decodeURIComponent(anchor) });
  }
  return links;
}

/**
 * The anchors GitHub gives a file's headings: lowercase, punctuation other than `-` and `_` dropped,
 * spaces as hyphens, and `-1`, `-2` for a repeated heading.
 */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of prose(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    // The heading as written (prose() blanked its inline code), without Markdown link syntax.
    const heading = text.slice(m.index, m.index + m[0].length).replace(/^#{1,6}[ \t]+/, '').replace(/[ \t#]*$/, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}
