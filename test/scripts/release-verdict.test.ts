import { changelogSection, compareVersions, isBreakingBump, releaseProblems } from '../../scripts/release-verdict';

const CHANGELOG = (entry: string) => `# Changelog\n\n## 0.2.0 - 2026-12-07\n\n${entry}\n\n## 0.1.0 - 2026-11-30\n\nThe first release.\n`;
const replaced = [{ kind: 'replaced', subject: 'Data/DatabaseCluster5B53A178' }];

describe('the release lock', () => {
  test('a safe upgrade passes whatever the CHANGELOG says', () => {
    expect(releaseProblems({ version: '0.1.1', released: '0.1.0', changelog: '', app: 'example', findings: [] })).toEqual([]);
  });

  test('a deliberate replacement fails unless the next version is breaking and its entry names the resource', () => {
    const input = { version: '0.2.0', released: '0.1.0', app: 'consumer', findings: replaced };
    expect(releaseProblems({ ...input, changelog: CHANGELOG('### Added\n\n- more') })).toEqual([
      'consumer: upgrading from 0.1.0 to 0.2.0 is unsafe (Data/DatabaseCluster5B53A178 (replaced)), but the 0.2.0 entry of CHANGELOG.md has no breaking section ("### Changed (breaking)").',
      'consumer: the 0.2.0 entry of CHANGELOG.md does not name `Data/DatabaseCluster5B53A178`, which upgrading replaces or loses: name each with the way through.',
    ]);
    expect(releaseProblems({ ...input, changelog: CHANGELOG('### Changed (breaking)\n\n- the database is replaced') })).toHaveLength(1);
    expect(releaseProblems({ ...input, changelog: CHANGELOG('### Changed (breaking)\n\n- `Data/DatabaseCluster5B53A178` is replaced: create a new store beside it and move.') }))
      .toEqual([]);
  });

  test('a patch or a minor after 1.0 may not break; a missing entry is named', () => {
    const entry = CHANGELOG('### Changed (breaking)\n\n- `Data/DatabaseCluster5B53A178` is replaced').replace('0.2.0', '0.1.1');
    expect(releaseProblems({ version: '0.1.1', released: '0.1.0', changelog: entry, app: 'example', findings: replaced }))
      .toEqual(['example: upgrading from 0.1.0 to 0.1.1 is unsafe (Data/DatabaseCluster5B53A178 (replaced)): that is a breaking change, which needs a new minor version, not 0.1.1.']);
    expect(releaseProblems({ version: '0.3.0', released: '0.1.0', changelog: CHANGELOG(''), app: 'example', findings: replaced }))
      .toEqual(['example: upgrading from 0.1.0 to 0.3.0 is unsafe (Data/DatabaseCluster5B53A178 (replaced)), and CHANGELOG.md has no "## 0.3.0" entry to say so.']);
    expect(isBreakingBump('1.2.0', '1.3.0')).toBe(false);
    expect(isBreakingBump('1.2.0', '2.0.0')).toBe(true);
    expect(isBreakingBump('0.1.0', '0.2.0')).toBe(true);
    expect(isBreakingBump('0.1.0', '0.1.5')).toBe(false);
  });

  test('CHANGELOG entries and versions are read as Keep a Changelog and semver write them', () => {
    expect(changelogSection(CHANGELOG('- x'), '0.2.0')).toBe('## 0.2.0 - 2026-12-07\n\n- x\n');
    expect(changelogSection(CHANGELOG('- x'), '0.2')).toBeUndefined();
    expect(['0.10.0', '0.2.0', '0.1.1', '1.0.0'].sort(compareVersions)).toEqual(['0.1.1', '0.2.0', '0.10.0', '1.0.0']);
  });
});
