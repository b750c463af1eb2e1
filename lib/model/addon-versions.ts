/**
 * The networking add-ons every SafeCluster owns, and the versions it may run per Kubernetes minor, each
 * with the AWS page (or `aws eks describe-addon-versions` output) it was read from and the day it was read.
 * Rows are only added, never edited: a version a live cluster was recorded at stays listed, and the
 * newest row of an add-on and minor is the default for new clusters. `scripts/addon-versions.ts`
 * turns saved `describe-addon-versions` output into new rows (docs/addons.md, "Refreshing the table").
 */

/** The EKS add-on names, as `CreateAddon` takes them. */
export const OWNED_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent'] as const;
export type OwnedAddon = typeof OWNED_ADDONS[number];
/** The property of each add-on in SafeCluster's `addonVersions`. */
export const ADDON_VERSION_PROP_NAMES = {
  'vpc-cni': 'vpcCni', 'kube-proxy': 'kubeProxy', 'coredns': 'coreDns', 'eks-pod-identity-agent': 'podIdentityAgent',
} as const satisfies { readonly [addon in OwnedAddon]: string };

/** Where a version comes from. */
export interface VersionSource {
  /** The AWS page, release note or command whose output listed the version. */
  readonly url: string;
  /** The day it was read, YYYY-MM-DD. */
  readonly read: string;
  /**
   * True when the source lists this version for this minor. False when no stored AWS source lists the
   * add-on for the minor at all and the value rests on what `note` says; SafeCluster then says so at
   * synth (an info message) until a `describe-addon-versions` refresh adds a listed row.
   */
  readonly listed: boolean;
  readonly note?: string;
}

export interface AddonVersionRow {
  readonly addon: OwnedAddon;
  /** Kubernetes minor, "1.N". */
  readonly minor: string;
  readonly version: string;
  readonly source: VersionSource;
}

const READ = '2026-12-07';
const USER_GUIDE = 'https://docs.aws.amazon.com/ja_jp/eks/latest/userguide';
const KUBE_PROXY: VersionSource = { url: `${USER_GUIDE}/managing-kube-proxy.md`, read: READ, listed: true, note: 'kube-proxy versions table' };
const COREDNS: VersionSource = { url: `${USER_GUIDE}/managing-coredns.md`, read: READ, listed: true, note: 'CoreDNS versions table' };
const VPC_CNI: VersionSource = {
  url: 'https://docs.amazonaws.cn/eks/latest/userguide/managing-vpc-cni.md', read: READ, listed: true,
  note: 'Amazon VPC CNI versions table (the newest copy of the page stored; it lists 1.29 to 1.35)',
};
const VPC_CNI_UNLISTED: VersionSource = {
  ...VPC_CNI, listed: false,
  note: 'no stored AWS page lists 1.36 for vpc-cni; the add-on ships one build for every minor (every copy of the table read lists one version for all rows), so the 1.35 row is taken',
};
const POD_IDENTITY_AGENT: VersionSource = {
  url: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html', read: READ, listed: false,
  note: 'AWS publishes no versions table for eks-pod-identity-agent (only describe-addon-versions lists them); the newest build seen in public '
    + 'material (v1.3.4, v1.3.7, v1.3.8, v1.3.9, v1.3.10 eksbuilds) is taken for every minor',
};

const rows = (addon: OwnedAddon, source: VersionSource, versions: { [minor: string]: string }): AddonVersionRow[] =>
  Object.entries(versions).map(([minor, version]) => ({ addon, minor, version, source }));

/** Every listed version, oldest rows first. */
export const ADDON_VERSIONS: readonly AddonVersionRow[] = [
  ...rows('kube-proxy', KUBE_PROXY, {
    '1.31': 'v1.31.14-eksbuild.20', '1.32': 'v1.32.13-eksbuild.16', '1.33': 'v1.33.10-eksbuild.13',
    '1.34': 'v1.34.6-eksbuild.13', '1.35': 'v1.35.3-eksbuild.13', '1.36': 'v1.36.0-eksbuild.14',
  }),
  ...rows('coredns', COREDNS, {
    '1.31': 'v1.11.4-eksbuild.40', '1.32': 'v1.11.4-eksbuild.40', '1.33': 'v1.12.4-eksbuild.18',
    '1.34': 'v1.13.2-eksbuild.11', '1.35': 'v1.14.3-eksbuild.3', '1.36': 'v1.14.3-eksbuild.3',
  }),
  ...rows('vpc-cni', VPC_CNI, {
    '1.31': 'v1.21.1-eksbuild.7', '1.32': 'v1.21.1-eksbuild.7', '1.33': 'v1.21.1-eksbuild.7', '1.34': 'v1.21.1-eksbuild.7', '1.35': 'v1.21.1-eksbuild.7',
  }),
  ...rows('vpc-cni', VPC_CNI_UNLISTED, { '1.36': 'v1.21.1-eksbuild.7' }),
  ...rows('eks-pod-identity-agent', POD_IDENTITY_AGENT, {
    '1.31': 'v1.3.10-eksbuild.3', '1.32': 'v1.3.10-eksbuild.3', '1.33': 'v1.3.10-eksbuild.3',
    '1.34': 'v1.3.10-eksbuild.3', '1.35': 'v1.3.10-eksbuild.3', '1.36': 'v1.3.10-eksbuild.3',
  }),
];

/** The form of an EKS add-on version: `v<major>.<minor>.<patch>-eksbuild.<build>`. */
export const ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/** The rows of an add-on for a minor, oldest first. */
export function addonVersionRows(addon: OwnedAddon, minor: string, table: readonly AddonVersionRow[] = ADDON_VERSIONS): AddonVersionRow[] {
  return table.filter((r) => r.addon === addon && r.minor === minor);
}

/** The default for new clusters: the newest row of the add-on and minor, or undefined when the table has none. */
export function defaultAddonVersion(addon: OwnedAddon, minor: string, table: readonly AddonVersionRow[] = ADDON_VERSIONS): AddonVersionRow | undefined {
  const found = addonVersionRows(addon, minor, table);
  return found[found.length - 1];
}

/** The minors for which the table has a row of every owned add-on. */
export function coveredMinors(table: readonly AddonVersionRow[] = ADDON_VERSIONS): string[] {
  const minors = [...new Set(table.map((r) => r.minor))];
  return minors.filter((m) => OWNED_ADDONS.every((a) => addonVersionRows(a, m, table).length > 0))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

/**
 * How each add-on resolves a conflict with fields someone else manages, on create (an existing
 * cluster's self-managed copy) and on every update, and why. See the EKS API's `resolveConflicts`
 * (CreateAddon, UpdateAddon) and "Create the Amazon VPC CNI (Amazon EKS add-on)" in the EKS user guide.
 */
export const CONFLICT_RESOLUTION: { readonly [addon in OwnedAddon]: { readonly mode: 'OVERWRITE' | 'PRESERVE'; readonly reason: string } } = {
  'vpc-cni': {
    mode: 'PRESERVE',
    reason: 'aws-node is the add-on users tune (prefix delegation, custom networking, warm-IP targets); OVERWRITE would reset those settings and move '
      + 'pod IPs without a word. PRESERVE adopts an untouched self-managed copy, and a customised one fails the create (the stack rolls back, aws-node keeps running) '
      + 'until the settings move into the add-on configuration.',
  },
  'coredns': {
    mode: 'PRESERVE',
    reason: 'a customised Corefile (stub domains, forwarders to on-premises DNS) is name resolution that OVERWRITE would silently drop; PRESERVE keeps it or fails the create.',
  },
  'kube-proxy': {
    mode: 'OVERWRITE',
    reason: 'its settings come from the cluster (service CIDR, endpoint), and its image must follow the control plane\'s minor: a preserved old image is the version skew this table exists to prevent.',
  },
  'eks-pod-identity-agent': {
    mode: 'OVERWRITE',
    reason: 'EKS never bootstraps a self-managed copy, so there is nothing to keep; it hands out pod credentials, so the template is its only truth.',
  },
};
