import { Annotations, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, DependencyGroup, IConstruct } from 'constructs';
import {
  ADDON_VERSION_PATTERN, ADDON_VERSION_PROP_NAMES, CONFLICT_RESOLUTION, OwnedAddon, addonVersionRows, coveredMinors, defaultAddonVersion,
} from '../model/addon-versions';
import { kubeProxySkewProblem } from '../model/version-skew';
import { SafeEksError, show } from '../private/errors';
import { checkValue } from '../private/guards';

/**
 * Versions of the networking add-ons a SafeCluster owns. Each unset one is the newest version the
 * library's table lists for the cluster's Kubernetes minor (docs/addons.md).
 */
export interface AddonVersions {
  /**
   * Amazon VPC CNI (`vpc-cni`).
   *
   * @default - the table's newest for the cluster's minor
   */
  readonly vpcCni?: string;
  /**
   * kube-proxy (`kube-proxy`); its minor must be the cluster's.
   *
   * @default - the table's newest for the cluster's minor
   */
  readonly kubeProxy?: string;
  /**
   * CoreDNS (`coredns`).
   *
   * @default - the table's newest for the cluster's minor
   */
  readonly coreDns?: string;
  /**
   * EKS Pod Identity Agent (`eks-pod-identity-agent`).
   *
   * @default - the table's newest for the cluster's minor
   */
  readonly podIdentityAgent?: string;
}

/** The `AddonVersions` field of each owned add-on. */
export const ADDON_VERSION_PROPS: { readonly [addon in OwnedAddon]: keyof AddonVersions } = ADDON_VERSION_PROP_NAMES;
const ADDONS = Object.keys(ADDON_VERSION_PROPS) as OwnedAddon[];

export interface ResolvedAddonVersions {
  readonly versions: { readonly [addon in OwnedAddon]: string };
  /** Add-ons whose default rests on no AWS listing (`VersionSource.listed` false), with the note. */
  readonly unconfirmed: string[];
}

/**
 * The version of each owned add-on: the override, or the table's newest for `clusterVersion`. Refuses a
 * malformed version, a kube-proxy of another minor, and (without `unlistedReason`) a version the table
 * does not list for the minor.
 */
export function resolveAddonVersions(scope: IConstruct, clusterVersion: string, overrides: AddonVersions = {}, unlistedReason?: string): ResolvedAddonVersions {
  if (unlistedReason !== undefined && unlistedReason.trim() === '') {
    throw new SafeEksError(scope, 'AcknowledgementWithoutReason', '`unlistedAddonVersionReason` needs a reason.', show(unlistedReason),
      'say why the versions outside the table are right (for example the describe-addon-versions output they come from), or leave it unset');
  }
  const versions: { [addon: string]: string } = {};
  const unlisted: string[] = [];
  const unconfirmed: string[] = [];
  for (const addon of ADDONS) {
    const prop = `addonVersions.${ADDON_VERSION_PROPS[addon]}`;
    const given = overrides[ADDON_VERSION_PROPS[addon]];
    checkValue(scope, prop, given, { type: 'string' });
    if (given === undefined) {
      const row = defaultAddonVersion(addon, clusterVersion);
      if (row === undefined) {
        throw new SafeEksError(scope, 'AddonVersionsUnknownMinor',
          `the add-on table lists no ${addon} version for Kubernetes ${clusterVersion} (it covers ${coveredMinors().join(', ')}), so the cluster's networking add-ons cannot be pinned.`,
          show(clusterVersion), `use a version the table covers, or set \`${prop}\` (and every other add-on version) with \`unlistedAddonVersionReason\``);
      }
      if (!row.source.listed) unconfirmed.push(`${addon} ${row.version} (${row.source.note})`);
      versions[addon] = row.version;
      continue;
    }
    if (!Token.isUnresolved(given) && !ADDON_VERSION_PATTERN.test(given)) {
      throw new SafeEksError(scope, 'AddonVersionFormat', `\`${prop}\` must be an EKS add-on version of the form v<major>.<minor>.<patch>-eksbuild.<build>.`,
        show(given), 'copy the version from `aws eks describe-addon-versions`, such as "v1.21.1-eksbuild.7"');
    }
    if (addon === 'kube-proxy' && !Token.isUnresolved(given) && !Token.isUnresolved(clusterVersion)) {
      const problem = kubeProxySkewProblem(clusterVersion, given);
      if (problem) throw new SafeEksError(scope, problem.code, problem.problem, show(given), problem.fix);
    }
    const listed = !Token.isUnresolved(given) && addonVersionRows(addon, clusterVersion).some((r) => r.version === given);
    if (!listed) unlisted.push(`${prop}=${Token.isUnresolved(given) ? 'a token' : given}`);
    versions[addon] = given;
  }
  checkUnlisted(scope, clusterVersion, unlisted, unlistedReason);
  return { versions: versions as ResolvedAddonVersions['versions'], unconfirmed };
}

function checkUnlisted(scope: IConstruct, clusterVersion: string, unlisted: string[], reason: string | undefined): void {
  if (unlisted.length > 0 && reason === undefined) {
    throw new SafeEksError(scope, 'AddonVersionUnlisted',
      `the add-on table lists no such version for Kubernetes ${clusterVersion}: EKS may refuse it ("Addon version specified is not supported") or it may not have been tested with this minor.`,
      unlisted.join(', '), 'use a version the table lists (docs/addons.md), refresh the table from describe-addon-versions, '
      + 'or set `unlistedAddonVersionReason` to accept it on purpose');
  }
  if (unlisted.length === 0 && reason !== undefined) {
    throw new SafeEksError(scope, 'UnusedAcknowledgement', '`unlistedAddonVersionReason` is set but every add-on version is one the table lists.',
      show(reason), 'remove `unlistedAddonVersionReason`, so that a later unlisted version is not accepted by an old reason');
  }
  if (reason !== undefined) Annotations.of(scope).addInfo(`Add-on versions outside the table accepted (${unlisted.join(', ')}): ${reason}`);
}

export interface ClusterAddonsProps {
  readonly cluster: eks.Cluster;
  readonly versions: ResolvedAddonVersions['versions'];
}

/**
 * The four managed add-ons of a cluster (`AWS::EKS::Addon`, aws-eks-v2 `Addon`). `PreserveOnDelete` is
 * true, so removing one from the template (a rollback to a release without it, say) leaves its software
 * running; `ResolveConflicts` is per add-on (`CONFLICT_RESOLUTION` says why).
 */
export class ClusterAddons extends Construct {
  public readonly vpcCni: eks.IAddon;
  public readonly kubeProxy: eks.IAddon;
  public readonly coreDns: eks.IAddon;
  public readonly podIdentityAgent: eks.IAddon;
  /** What a node needs before it starts: pod networking (VPC CNI) and Service routing (kube-proxy). */
  public readonly nodeNetworking = new DependencyGroup();
  public readonly versions: AddonVersions;

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    const v = props.versions;
    this.versions = { vpcCni: v['vpc-cni'], kubeProxy: v['kube-proxy'], coreDns: v.coredns, podIdentityAgent: v['eks-pod-identity-agent'] };
    const make = (construct: string, addon: OwnedAddon) => new eks.Addon(this, construct, {
      cluster: props.cluster, addonName: addon, addonVersion: props.versions[addon], preserveOnDelete: true,
    });
    this.vpcCni = make('VpcCni', 'vpc-cni');
    this.kubeProxy = make('KubeProxy', 'kube-proxy');
    this.coreDns = make('CoreDns', 'coredns');
    // aws-eks-v2 creates this add-on on demand (a Pod Identity service account asks for it): pinning that
    // instance keeps one agent per cluster, where a second Addon of the same name would fail the deploy.
    this.podIdentityAgent = props.cluster.eksPodIdentityAgent!;
    const agent = this.podIdentityAgent.node.defaultChild as eks.CfnAddon;
    agent.addonVersion = props.versions['eks-pod-identity-agent'];
    agent.preserveOnDelete = true;
    const byName: { [addon in OwnedAddon]: eks.IAddon } = {
      'vpc-cni': this.vpcCni, 'kube-proxy': this.kubeProxy, 'coredns': this.coreDns, 'eks-pod-identity-agent': this.podIdentityAgent,
    };
    for (const addon of ADDONS) (byName[addon].node.defaultChild as eks.CfnAddon).resolveConflicts = CONFLICT_RESOLUTION[addon].mode;
    this.nodeNetworking.add(this.vpcCni, this.kubeProxy);
  }

  /** CoreDNS is a Deployment: it waits for nodes, or its add-on stays DEGRADED and the stack waits for it. */
  public runAfterNodes(nodegroup: IConstruct): void {
    this.coreDns.node.addDependency(nodegroup);
  }
}
