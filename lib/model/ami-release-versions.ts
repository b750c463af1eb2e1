/**
 * Release versions of the EKS-optimized Amazon Linux 2023 AMIs that managed node groups pin, per
 * Kubernetes minor, from the amazon-eks-ami release notes. One release version covers all five AL2023
 * AMI types (standard and NVIDIA for x86_64 and ARM64, Neuron for x86_64). Rows are only added: the
 * newest row of a minor is the default for new node groups, older rows stay for recorded ones.
 */
import { VersionSource } from './addon-versions';

export interface AmiReleaseRow {
  /** Kubernetes minor, "1.N". */
  readonly minor: string;
  /** `<kubernetes patch version>-<build date>`, as `releaseVersion` takes it. */
  readonly releaseVersion: string;
  readonly source: VersionSource;
}

const V20260714: VersionSource = {
  url: 'https://github.com/awslabs/amazon-eks-ami/blob/81fec2e895854f599974fe4d3d72f61c0a9aaffa/CHANGELOG.md',
  read: '2026-12-07',
  listed: true,
  note: 'AMI Release v20260714, "Release version" column of each Kubernetes minor (https://github.com/awslabs/amazon-eks-ami/releases/tag/v20260714)',
};

export const AL2023_RELEASE_VERSIONS: readonly AmiReleaseRow[] = Object.entries({
  '1.31': '1.31.14-20260714', '1.32': '1.32.13-20260714', '1.33': '1.33.13-20260714',
  '1.34': '1.34.9-20260714', '1.35': '1.35.6-20260714', '1.36': '1.36.2-20260714',
}).map(([minor, releaseVersion]) => ({ minor, releaseVersion, source: V20260714 }));

/** The form of an AL2023 EKS AMI release version: `1.<minor>.<patch>-<YYYYMMDD>`. */
export const AL2023_RELEASE_VERSION_PATTERN = /^1\.\d+\.\d+-\d{8}$/;

/** The newest release of a minor, or undefined when the table has none. */
export function defaultReleaseVersion(minor: string, table: readonly AmiReleaseRow[] = AL2023_RELEASE_VERSIONS): AmiReleaseRow | undefined {
  const found = table.filter((r) => r.minor === minor);
  return found[found.length - 1];
}
