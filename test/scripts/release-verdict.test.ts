import * as path from 'path';
import { PairChangeIntent } from '../../lib/blue-green/pair-change-intent';
import { CloudFormationSchema } from '../../lib/checks/cloudformation-schema';
import { ChangeSafety } from '../../lib/model/change-safety';
import { loadTemplates } from '../../lib/model/template-directory';
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

describe('the release lock on the released consumer assembly', () => {
  // The lock's two halves in one process: the diff engine `cdk-safe-eks diff` runs, then the verdict.
  const fixture = path.join(__dirname, '..', 'fixtures', 'releases', '0.1.0', 'consumer');
  const released = loadTemplates(fixture).templates;
  const withDatabaseName = (name: string) => released.map((t) => {
    if (t.stackName !== 'ConsumerData') return t;
    const template = JSON.parse(JSON.stringify(t.template));
    template.Resources.OrdersClusterDD2D267B.Properties.DatabaseName = name;
    return { ...t, template };
  });
  const findings = (after: ReturnType<typeof withDatabaseName>) => ChangeSafety.compare(released, after, new CloudFormationSchema(), { intents: [new PairChangeIntent()] })
    .findings.map((f) => ({ kind: f.kind, subject: f.subject }));

  test('the release itself is safe; a deliberate replacement of its database fails the lock until the breaking entry names it', () => {
    expect(findings(withDatabaseName('orders'))).toEqual([]);
    const replaced = findings(withDatabaseName('ledger'));
    // The cluster, its two instances with it, and its literal identifier, which CloudFormation cannot replace in place.
    expect(replaced).toEqual([
      { kind: 'replaced', subject: 'ConsumerData/OrdersClusterDD2D267B' }, { kind: 'replaced', subject: 'ConsumerData/OrdersClusterReader1A4977E39' },
      { kind: 'replaced', subject: 'ConsumerData/OrdersClusterWriterBB58B5C2' }, { kind: 'unique-key-clash', subject: 'ConsumerData/OrdersClusterDD2D267B' },
    ]);
    const input = { version: '0.2.0', released: '0.1.0', app: 'consumer', findings: replaced };
    expect(releaseProblems({ ...input, changelog: CHANGELOG('### Added\n\n- a database name') })).toHaveLength(2);
    expect(releaseProblems({ ...input, changelog: CHANGELOG('### Changed (breaking)\n\n- `ConsumerData/OrdersClusterDD2D267B` is replaced: move to a new store.') }))
      .toEqual(['consumer: the 0.2.0 entry of CHANGELOG.md does not name `ConsumerData/OrdersClusterReader1A4977E39`, `ConsumerData/OrdersClusterWriterBB58B5C2`, '
        + 'which upgrading replaces or loses: name each with the way through.']);
    expect(releaseProblems({ ...input, changelog: CHANGELOG('### Changed (breaking)\n\n- `ConsumerData/OrdersClusterDD2D267B`, its instances '
      + '`ConsumerData/OrdersClusterReader1A4977E39` and `ConsumerData/OrdersClusterWriterBB58B5C2` are replaced: move to a new store.') })).toEqual([]);
  });
});
