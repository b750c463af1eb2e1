import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DESCRIBE_ADDON_VERSIONS_URL, compareAddonVersions, formatRows, rowsFromDescribeAddonVersions } from '../../scripts/addon-versions';
import { ADDON_VERSION_PATTERN } from '../../lib/model/addon-versions';

// A sample in the documented shape of DescribeAddonVersions (three builds; the default is not the newest).
const SAMPLE = path.join(__dirname, 'fixtures', 'describe-addon-versions-vpc-cni-1.35.json');
const sample = () => JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));

describe('refreshing the add-on table from describe-addon-versions output', () => {
  test('one row per add-on and minor: the newest compatible build, with its source and date', () => {
    const rows = rowsFromDescribeAddonVersions(sample(), SAMPLE, '2026-12-07');
    expect(rows).toEqual([{
      addon: 'vpc-cni', minor: '1.35', version: 'v1.21.1-eksbuild.10',
      source: { url: DESCRIBE_ADDON_VERSIONS_URL, read: '2026-12-07', listed: true, note: 'aws eks describe-addon-versions output describe-addon-versions-vpc-cni-1.35.json' },
    }]);
    expect(rows[0].version).toMatch(ADDON_VERSION_PATTERN);
  });

  test('builds compare by number, not as text', () => {
    expect(compareAddonVersions('v1.21.1-eksbuild.10', 'v1.21.1-eksbuild.7')).toBeGreaterThan(0);
    expect(compareAddonVersions('v1.9.0-eksbuild.1', 'v1.10.0-eksbuild.1')).toBeLessThan(0);
    expect(compareAddonVersions('1.35', '1.35')).toBe(0);
  });

  test('output that is not whole, not this shape, or of another add-on is refused', () => {
    expect(() => rowsFromDescribeAddonVersions({ ...sample(), nextToken: 'abc' }, 'f.json', 'd')).toThrow(/one page of several/);
    expect(() => rowsFromDescribeAddonVersions({ cluster: {} }, 'f.json', 'd')).toThrow(/no "addons" array/);
    expect(() => rowsFromDescribeAddonVersions({ addons: [{ addonName: 'aws-ebs-csi-driver', addonVersions: [] }] }, 'f.json', 'd')).toThrow(/not one the table holds/);
    expect(() => rowsFromDescribeAddonVersions({ addons: [{ addonName: 'coredns', addonVersions: [{}] }] }, 'f.json', 'd')).toThrow(/has no addonVersion/);
  });

  test('the script prints the rows as TypeScript to append to the table', () => {
    const out = execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', path.join(__dirname, '..', '..', 'scripts', 'addon-versions.ts'), '--read', '2026-12-07', SAMPLE],
      { encoding: 'utf8' });
    expect(out).toBe(`${formatRows(rowsFromDescribeAddonVersions(sample(), SAMPLE, '2026-12-07'))}\n`);
    expect(out).toContain("{ addon: 'vpc-cni', minor: '1.35', version: 'v1.21.1-eksbuild.10', source: {");
  }, 60_000);
});
