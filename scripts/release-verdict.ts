/**
 * The release lock's rule, pure: a diff from a released app to today's synthesis may be unsafe only
 * when the CHANGELOG entry of the version about to be released is a breaking one (a new major, or a new
 * minor while the version is 0.x) and names every resource the diff says is lost, each with its way
 * through. scripts/release-lock.ts applies it; test/scripts/release-verdict.test.ts locks it.
 */

/** A finding of `cdk-safe-eks diff --json`: what is lost, and where. */
export interface LockFinding {
  readonly kind: string;
  /** `Stack/LogicalId`, or an export or flow. */
  readonly subject: string;
}

export interface ReleaseVerdictInput {
  /** The version about to be released (package.json). */
  readonly version: string;
  /** The released version the diff starts from. */
  readonly released: string;
  /** The whole CHANGELOG.md. */
  readonly changelog: string;
  /** Which app was diffed, for the messages. */
  readonly app: string;
  readonly findings: readonly LockFinding[];
}

/** Why the release may not go out; empty when it may. */
export function releaseProblems(input: ReleaseVerdictInput): string[] {
  if (input.findings.length === 0) return [];
  const section = changelogSection(input.changelog, input.version);
  const lost = input.findings.map((f) => `${f.subject} (${f.kind})`).join(', ');
  if (section === undefined) {
    return [`${input.app}: upgrading from ${input.released} to ${input.version} is unsafe (${lost}), and CHANGELOG.md has no "## ${input.version}" entry to say so.`];
  }
  const problems: string[] = [];
  if (!isBreakingBump(input.released, input.version)) {
    problems.push(`${input.app}: upgrading from ${input.released} to ${input.version} is unsafe (${lost}): that is a breaking change, which needs a new `
      + `${major(input.version) === 0 ? 'minor' : 'major'} version, not ${input.version}.`);
  }
  if (!/^###[^\n]*breaking/im.test(section)) {
    problems.push(`${input.app}: upgrading from ${input.released} to ${input.version} is unsafe (${lost}), but the ${input.version} entry of CHANGELOG.md has no breaking section ("### Changed (breaking)").`);
  }
  const unnamed = input.findings.filter((f) => !section.includes(f.subject));
  if (unnamed.length > 0) {
    problems.push(`${input.app}: the ${input.version} entry of CHANGELOG.md does not name ${unnamed.map((f) => `\`${f.subject}\``).join(', ')}, `
      + 'which upgrading replaces or loses: name each with the way through.');
  }
  return problems;
}

/** The text of the `## <version>` entry, up to the next `## ` heading. */
export function changelogSection(changelog: string, version: string): string | undefined {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?( |$)`).test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Newer major, or newer minor while 0.x: the bumps semver allows to break. */
export function isBreakingBump(released: string, next: string): boolean {
  const [a, b] = [parse(released), parse(next)];
  if (b[0] !== a[0]) return b[0] > a[0];
  return b[0] === 0 && b[1] > a[1];
}

/** Versions in semver order, lowest first. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parse(a), parse(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

function major(version: string): number {
  return parse(version)[0];
}

function parse(version: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`not a semver version: ${JSON.stringify(version)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
