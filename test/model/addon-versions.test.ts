import * as eks from 'aws-cdk-lib/aws-eks-v2';
import {
  ADDON_VERSIONS, ADDON_VERSION_PATTERN, CONFLICT_RESOLUTION, OWNED_ADDONS, addonVersionRows, coveredMinors, defaultAddonVersion,
} from '../../lib/model/addon-versions';
import { AL2023_RELEASE_VERSIONS, AL2023_RELEASE_VERSION_PATTERN, defaultReleaseVersion } from '../../lib/model/ami-release-versions';
import { minorNamedBy } from '../../lib/model/version-skew';

/** Every minor the stored AWS sources list (add-on tables and AMI releases): the minors EKS supported when they were read. */
const SUPPORTED = ['1.31', '1.32', '1.33', '1.34', '1.35', '1.36'];
const cdkMinors = Object.values(eks.KubernetesVersion).filter((v): v is eks.KubernetesVersion => v instanceof eks.KubernetesVersion).map((v) => v.version);
const sources = [...ADDON_VERSIONS.map((r) => r.source), ...AL2023_RELEASE_VERSIONS.map((r) => r.source)];

describe('add-on version table', () => {
  test('every row has a source URL and the date it was read', () => {
    for (const source of sources) {
      expect(source.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|docs\.amazonaws\.cn|github\.com\/awslabs\/amazon-eks-ami)\//);
      expect(source.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${source.read}T00:00:00Z`).toISOString().slice(0, 10)).toBe(source.read);
    }
  });

  test('a row no AWS source lists for its minor says what it rests on', () => {
    const unlisted = ADDON_VERSIONS.filter((r) => !r.source.listed);
    expect(unlisted.map((r) => `${r.addon} ${r.minor}`)).toEqual([
      'vpc-cni 1.36', ...SUPPORTED.map((m) => `eks-pod-identity-agent ${m}`),
    ]);
    for (const row of unlisted) expect(row.source.note!.length).toBeGreaterThan(60);
  });

  test('versions are well formed; kube-proxy and AMI releases name their own minor', () => {
    for (const row of ADDON_VERSIONS) {
      expect(row.version).toMatch(ADDON_VERSION_PATTERN);
      expect(row.minor).toMatch(/^1\.\d+$/);
      if (row.addon === 'kube-proxy') expect(minorNamedBy(row.version)).toBe(Number(row.minor.split('.')[1]));
    }
    for (const row of AL2023_RELEASE_VERSIONS) {
      expect(row.releaseVersion).toMatch(AL2023_RELEASE_VERSION_PATTERN);
      expect(minorNamedBy(row.releaseVersion)).toBe(Number(row.minor.split('.')[1]));
    }
  });

  test('every supported minor that aws-cdk-lib names is covered by every add-on and the AMI table', () => {
    expect(SUPPORTED.every((m) => cdkMinors.includes(m))).toBe(true);
    expect(coveredMinors()).toEqual(SUPPORTED);
    for (const minor of SUPPORTED) {
      for (const addon of OWNED_ADDONS) expect(defaultAddonVersion(addon, minor)).toBeDefined();
      expect(defaultReleaseVersion(minor)).toBeDefined();
    }
    // aws-cdk-lib names 1.37, which no stored AWS source lists yet: a cluster of it must name its versions.
    expect(cdkMinors).toContain('1.37');
    expect(defaultAddonVersion('vpc-cni', '1.37')).toBeUndefined();
  });

  test('one row per add-on, minor and version: the newest is the default, older ones stay listed', () => {
    const keys = ADDON_VERSIONS.map((r) => `${r.addon} ${r.minor} ${r.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    const table = [...ADDON_VERSIONS, { ...ADDON_VERSIONS[0], version: 'v1.31.99-eksbuild.1' }];
    expect(defaultAddonVersion(ADDON_VERSIONS[0].addon, ADDON_VERSIONS[0].minor, table)!.version).toBe('v1.31.99-eksbuild.1');
    expect(addonVersionRows(ADDON_VERSIONS[0].addon, ADDON_VERSIONS[0].minor, table).map((r) => r.version)).toContain(ADDON_VERSIONS[0].version);
  });

  test('each add-on resolves conflicts one way, with a reason', () => {
    expect(Object.keys(CONFLICT_RESOLUTION).sort()).toEqual([...OWNED_ADDONS].sort());
    expect(Object.fromEntries(OWNED_ADDONS.map((a) => [a, CONFLICT_RESOLUTION[a].mode]))).toEqual({
      'vpc-cni': 'PRESERVE', 'coredns': 'PRESERVE', 'kube-proxy': 'OVERWRITE', 'eks-pod-identity-agent': 'OVERWRITE',
    });
    for (const a of OWNED_ADDONS) expect(CONFLICT_RESOLUTION[a].reason.length).toBeGreaterThan(60);
  });
});
