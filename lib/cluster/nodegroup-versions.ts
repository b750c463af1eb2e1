import { Annotations, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct, IDependable } from 'constructs';
import { SafeEksFeatureFlags, featureFlagEnabled } from './feature-flags';
import type { ISafeCluster } from './i-safe-cluster';
import { AL2023_RELEASE_VERSION_PATTERN, defaultReleaseVersion } from '../model/ami-release-versions';
import { nodegroupSkewProblem, releaseVersionSkewProblem } from '../model/version-skew';
import { SafeEksError, show } from '../private/errors';
import { isLiteral, refuse } from '../private/guards';

/** The Kubernetes version and AMI release a node group's template names (undefined: the property stays unset). */
export interface NodegroupVersions {
  readonly version?: string;
  readonly releaseVersion?: string;
}

/**
 * The node group's Kubernetes version and AMI release version. An explicit `kubernetesVersion` must
 * keep the skew policy with the control plane; with `@cdk-safe-eks/nodegroup:pinReleaseVersion` on, an
 * AL2023 node group without `releaseVersion` pins the table's newest release of its minor, so neither
 * a synth nor a library release rolls its nodes: a new release is an explicit edit or a table row.
 */
export function nodegroupVersions(scope: IConstruct, cluster: ISafeCluster, amiType: eks.NodegroupAmiType,
  kubernetesVersion: eks.KubernetesVersion | undefined, releaseVersion: string | undefined): NodegroupVersions {
  const planeVersion = clusterFacts(cluster).version?.version;
  const clusterVersion = isLiteral(planeVersion) ? planeVersion : undefined;
  const requested = kubernetesVersion?.version;
  if (requested !== undefined) {
    if (Token.isUnresolved(requested)) {
      throw new SafeEksError(scope, 'NodegroupVersionToken', '`kubernetesVersion` must be literal: its skew against the control plane is checked at synth.',
        'a token', 'pass a constant such as eks.KubernetesVersion.V1_34');
    }
    if (clusterVersion === undefined) {
      throw new SafeEksError(scope, 'NodegroupVersionUnchecked', '`kubernetesVersion` is set, but the cluster\'s version is unknown, so its skew against the control plane cannot be checked.',
        show(requested), 'import the cluster with `version` in SafeCluster.fromSafeClusterAttributes, or leave `kubernetesVersion` unset');
    }
    refuse(scope, requested, nodegroupSkewProblem(clusterVersion, requested));
  }
  const pin = featureFlagEnabled(scope, SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION);
  const minor = requested ?? clusterVersion;
  const al2023 = amiType.startsWith('AL2023');
  let release = releaseVersion;
  if (release === undefined && pin) {
    if (!al2023) {
      Annotations.of(scope).addInfo(`AMI release not pinned: the library's table covers Amazon Linux 2023 only, and this node group runs ${amiType}. Set \`releaseVersion\` to pin it.`);
    } else {
      release = tableRelease(scope, minor);
    }
  }
  if (isLiteral(release) && al2023 && !AL2023_RELEASE_VERSION_PATTERN.test(release)) {
    throw new SafeEksError(scope, 'NodegroupReleaseVersionFormat', '`releaseVersion` of an Amazon Linux 2023 node group must be of the form 1.<minor>.<patch>-<YYYYMMDD>.',
      show(release), 'copy the "Release version" of an amazon-eks-ami release, such as "1.34.9-20260714"');
  }
  if (isLiteral(release) && minor !== undefined && al2023) refuse(scope, release, releaseVersionSkewProblem(minor, release));
  return { version: requested ?? (pin ? clusterVersion : undefined), releaseVersion: release };
}

/**
 * What a SafeCluster, or an import given `version`, tells its node groups beyond ISafeCluster: the
 * control plane's version and the add-ons nodes wait for. Read by name, not through the interface:
 * jsii lets no implementation turn an optional interface member required, and SafeCluster's are.
 */
export function clusterFacts(cluster: ISafeCluster): { readonly version?: eks.KubernetesVersion; readonly nodeNetworking?: IDependable } {
  return cluster as { version?: eks.KubernetesVersion; nodeNetworking?: IDependable };
}

function tableRelease(scope: IConstruct, minor: string | undefined): string {
  if (minor === undefined) {
    throw new SafeEksError(scope, 'NodegroupReleaseVersionUnpinned',
      `${SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION} pins the AMI release of the nodes' Kubernetes minor, but the cluster's version is unknown.`,
      'a cluster without a literal version', 'import the cluster with `version`, or set `releaseVersion`');
  }
  const row = defaultReleaseVersion(minor);
  if (row === undefined) {
    throw new SafeEksError(scope, 'NodegroupReleaseVersionUnlisted', `the AMI table lists no Amazon Linux 2023 release for Kubernetes ${minor}, so the nodes cannot be pinned.`,
      show(minor), 'set `releaseVersion` to a release of that minor from the amazon-eks-ami release notes (https://github.com/awslabs/amazon-eks-ami/releases)');
  }
  return row.releaseVersion;
}
