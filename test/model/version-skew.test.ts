import * as fc from 'fast-check';
import {
  MAX_KUBELET_LAG, VERSION_SKEW_POLICY_URL, kubeProxySkewProblem, kubernetesMinor, minorNamedBy, nodegroupSkewProblem, releaseVersionSkewProblem,
} from '../../lib/model/version-skew';

const minor = fc.integer({ min: 10, max: 99 });
const k8s = (m: number) => `1.${m}`;

describe('version skew', () => {
  test('a node group may run the control plane\'s minor or up to three older, never a newer one', () => {
    fc.assert(fc.property(minor, minor, (plane, nodes) => {
      const problem = nodegroupSkewProblem(k8s(plane), k8s(nodes));
      const allowed = nodes <= plane && plane - nodes <= MAX_KUBELET_LAG;
      expect(problem === undefined).toBe(allowed);
      if (problem) {
        expect(problem.code).toBe('NodegroupVersionSkew');
        expect(problem.problem).toContain(VERSION_SKEW_POLICY_URL);
        expect(problem.problem).toContain(k8s(nodes));
      }
    }), { numRuns: 300 });
  });

  test('a node-group version that is not "1.N" is named as such', () => {
    fc.assert(fc.property(fc.string().filter((s) => kubernetesMinor(s) === undefined), (bad) => {
      expect(nodegroupSkewProblem('1.34', bad)?.code).toBe('NodegroupVersion');
    }), { numRuns: 100 });
  });

  test('kube-proxy runs exactly the control plane\'s minor', () => {
    fc.assert(fc.property(minor, minor, fc.nat(30), fc.integer({ min: 1, max: 40 }), (plane, proxy, patch, build) => {
      const problem = kubeProxySkewProblem(k8s(plane), `v1.${proxy}.${patch}-eksbuild.${build}`);
      expect(problem === undefined).toBe(plane === proxy);
      if (problem) expect(problem.code).toBe('KubeProxyVersionSkew');
    }), { numRuns: 300 });
  });

  test('an AL2023 AMI release names its minor, which must be the nodes\'', () => {
    fc.assert(fc.property(minor, minor, fc.nat(30), (nodes, release, patch) => {
      const problem = releaseVersionSkewProblem(k8s(nodes), `1.${release}.${patch}-20260714`);
      expect(problem === undefined).toBe(nodes === release);
    }), { numRuns: 200 });
    // Another scheme (Bottlerocket) names no Kubernetes minor: not this rule's to judge.
    expect(releaseVersionSkewProblem('1.34', 'v2.0.1-abcdef12')).toBeUndefined();
  });

  test('minors are read from both version forms', () => {
    expect(kubernetesMinor('1.34')).toBe(34);
    expect(kubernetesMinor('1.34.2')).toBeUndefined();
    expect(minorNamedBy('v1.34.6-eksbuild.13')).toBe(34);
    expect(minorNamedBy('1.36.2-20260714')).toBe(36);
    expect(minorNamedBy('v1.3.10-eksbuild.3')).toBe(3);
  });
});
