/**
 * Version-skew rules between a control plane and what runs beside it, as pure functions over version
 * strings: each returns the problem as data, or undefined when the versions may run together.
 */
import { InputProblem } from './aws-naming-rules';

/**
 * The Kubernetes version-skew policy: kubelet must not be newer than kube-apiserver and may be up to
 * three minor versions older; kube-proxy follows the same rule and EKS ships it per minor.
 */
export const VERSION_SKEW_POLICY_URL = 'https://kubernetes.io/releases/version-skew-policy/#kubelet';
/** Minor versions a kubelet may lag behind kube-apiserver (the policy since Kubernetes 1.28). */
export const MAX_KUBELET_LAG = 3;

/** The minor of a Kubernetes version ("1.34"), or undefined when it is not of that form. */
export function kubernetesMinor(version: string): number | undefined {
  const match = /^1\.(\d{1,3})$/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** The Kubernetes minor an EKS add-on or AMI release version names first ("v1.34.6-eksbuild.13", "1.34.9-20260714"). */
export function minorNamedBy(version: string): number | undefined {
  const match = /^v?1\.(\d{1,3})\./.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** A node group's Kubernetes version against the control plane's: not newer, at most three minors older. */
export function nodegroupSkewProblem(controlPlane: string, nodegroup: string): InputProblem | undefined {
  const plane = kubernetesMinor(controlPlane);
  const nodes = kubernetesMinor(nodegroup);
  if (plane === undefined || nodes === undefined) {
    return { code: 'NodegroupVersion', problem: '`kubernetesVersion` must be a Kubernetes minor version of the form "1.N".', fix: 'use a constant such as eks.KubernetesVersion.V1_34' };
  }
  if (nodes > plane) {
    return {
      code: 'NodegroupVersionSkew',
      problem: `the nodes would run Kubernetes ${nodegroup}, newer than the control plane (${controlPlane}); kubelet must never be newer than kube-apiserver (${VERSION_SKEW_POLICY_URL}).`,
      fix: `upgrade the control plane to ${nodegroup} first, or set \`kubernetesVersion\` to ${controlPlane} or older`,
    };
  }
  if (plane - nodes > MAX_KUBELET_LAG) {
    return {
      code: 'NodegroupVersionSkew',
      problem: `the nodes would run Kubernetes ${nodegroup}, ${plane - nodes} minor versions behind the control plane (${controlPlane}); kubelet may lag at most ${MAX_KUBELET_LAG} (${VERSION_SKEW_POLICY_URL}).`,
      fix: `upgrade the nodes to 1.${plane - MAX_KUBELET_LAG} or later before the control plane moves on`,
    };
  }
  return undefined;
}

/** kube-proxy runs the control plane's minor: EKS publishes one kube-proxy build line per Kubernetes minor. */
export function kubeProxySkewProblem(controlPlane: string, kubeProxyVersion: string): InputProblem | undefined {
  const named = minorNamedBy(kubeProxyVersion);
  if (named === kubernetesMinor(controlPlane)) return undefined;
  return {
    code: 'KubeProxyVersionSkew',
    problem: `kube-proxy ${kubeProxyVersion} is not of the cluster's minor version ${controlPlane}; a kube-proxy left behind an upgrade drifts out of the version-skew policy (${VERSION_SKEW_POLICY_URL}) and breaks Service routing.`,
    fix: `use a kube-proxy v${controlPlane}.x-eksbuild.y version, or leave \`addonVersions.kubeProxy\` unset for the table's`,
  };
}

/** A release version of an AL2023 EKS AMI names the node group's Kubernetes minor ("1.34.9-20260714" for 1.34). */
export function releaseVersionSkewProblem(nodegroup: string, releaseVersion: string): InputProblem | undefined {
  const named = minorNamedBy(releaseVersion);
  if (named === undefined || named === kubernetesMinor(nodegroup)) return undefined;
  return {
    code: 'NodegroupReleaseVersionSkew',
    problem: `\`releaseVersion\` ${releaseVersion} is an AMI of Kubernetes 1.${named}, but the nodes run ${nodegroup}; EKS refuses an AMI of another minor.`,
    fix: `pick an AMI release of ${nodegroup} (amazon-eks-ami release notes), or leave \`releaseVersion\` unset for the table's`,
  };
}
