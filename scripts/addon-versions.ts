/**
 * Turns saved `aws eks describe-addon-versions` output into rows of the add-on version table
 * (lib/model/addon-versions.ts), one row per add-on and Kubernetes minor: the newest version EKS lists
 * as compatible with that minor. Reads files, prints TypeScript; calls no AWS API itself.
 *
 *   for v in 1.34 1.35; do for a in vpc-cni kube-proxy coredns eks-pod-identity-agent; do
 *     aws eks describe-addon-versions --addon-name $a --kubernetes-version $v > out/$a-$v.json; done; done
 *   npx ts-node scripts/addon-versions.ts --read 2026-12-07 out/*.json
 *
 * Append the printed rows to ADDON_VERSIONS (rows are only added: a recorded version stays listed).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AddonVersionRow, OWNED_ADDONS, OwnedAddon } from '../lib/model/addon-versions';

/** The API reference of the output these rows come from. */
export const DESCRIBE_ADDON_VERSIONS_URL = 'https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html';

interface Output {
  readonly addons?: Array<{
    readonly addonName?: string;
    readonly addonVersions?: Array<{ readonly addonVersion?: string; readonly compatibilities?: Array<{ readonly clusterVersion?: string }> }>;
  }>;
  readonly nextToken?: string;
}

/** Orders `v1.21.1-eksbuild.7` before `v1.21.1-eksbuild.10` and `v1.21.2-eksbuild.1`. */
export function compareAddonVersions(a: string, b: string): number {
  const parts = (v: string) => (v.match(/\d+/g) ?? []).map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The rows one saved output yields: per owned add-on and cluster version, the newest compatible version. */
export function rowsFromDescribeAddonVersions(output: unknown, file: string, read: string): AddonVersionRow[] {
  const where = `${file}:`;
  if (typeof output !== 'object' || output === null || !Array.isArray((output as Output).addons)) {
    throw new Error(`${where} not describe-addon-versions output: no "addons" array.`);
  }
  const data = output as Output;
  // The CLI follows nextToken itself; a token left in the output means --no-paginate cut it short.
  if (data.nextToken !== undefined) throw new Error(`${where} the output is one page of several (nextToken is set): save it without --no-paginate.`);
  const rows: AddonVersionRow[] = [];
  for (const addon of data.addons ?? []) {
    const name = addon.addonName;
    if (!OWNED_ADDONS.includes(name as OwnedAddon)) {
      throw new Error(`${where} add-on ${JSON.stringify(name)} is not one the table holds (${OWNED_ADDONS.join(', ')}).`);
    }
    const newest = new Map<string, string>();
    for (const version of addon.addonVersions ?? []) {
      if (typeof version.addonVersion !== 'string') throw new Error(`${where} a version of ${name} has no addonVersion.`);
      for (const { clusterVersion } of version.compatibilities ?? []) {
        if (typeof clusterVersion !== 'string') continue;
        const current = newest.get(clusterVersion);
        if (current === undefined || compareAddonVersions(version.addonVersion, current) > 0) newest.set(clusterVersion, version.addonVersion);
      }
    }
    for (const [minor, version] of newest) {
      rows.push({
        addon: name as OwnedAddon, minor, version,
        source: { url: DESCRIBE_ADDON_VERSIONS_URL, read, listed: true, note: `aws eks describe-addon-versions output ${path.basename(file)}` },
      });
    }
  }
  return rows.sort((a, b) => a.addon.localeCompare(b.addon) || compareAddonVersions(a.minor, b.minor));
}

/** The rows as TypeScript object literals, ready to append to ADDON_VERSIONS. */
export function formatRows(rows: readonly AddonVersionRow[]): string {
  return rows.map((r) => `  { addon: '${r.addon}', minor: '${r.minor}', version: '${r.version}', source: ${JSON.stringify(r.source)} },`).join('\n');
}

function main(args: string[]): void {
  const readAt = args.indexOf('--read');
  const read = readAt >= 0 ? args[readAt + 1] : new Date().toISOString().slice(0, 10);
  const files = args.filter((_, i) => i !== readAt && i !== readAt + 1);
  if (files.length === 0 || !/^\d{4}-\d{2}-\d{2}$/.test(read ?? '')) {
    throw new Error('usage: ts-node scripts/addon-versions.ts [--read YYYY-MM-DD] describe-addon-versions-output.json...');
  }
  const rows = files.flatMap((f) => rowsFromDescribeAddonVersions(JSON.parse(fs.readFileSync(f, 'utf8')), f, read));
  process.stdout.write(`${formatRows(rows)}\n`);
}

if (require.main === module) main(process.argv.slice(2));
