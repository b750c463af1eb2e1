import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fc from 'fast-check';
import { SafeCluster, SafeEksFeatureFlags, SafeNodegroup, SafeNodegroupOptions } from '../../lib';
import { defaultReleaseVersion } from '../../lib/model/ami-release-versions';
import { refusal, testApp, testStack, testVpc } from '../helpers';

const PIN = { [SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION]: true };

function setup(context: { [key: string]: unknown } = {}, version = eks.KubernetesVersion.V1_34) {
  const app = testApp();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const stack = testStack(app);
  const cluster = new SafeCluster(stack, 'Safe', { version, vpc: testVpc(stack), clusterName: 'safe', defaultCapacity: 0 });
  return { stack, cluster };
}
function nodegroupProps(options: SafeNodegroupOptions, context: { [key: string]: unknown } = {}) {
  const { stack, cluster } = setup(context);
  cluster.addNodegroup('Workers', options);
  return Template.fromStack(stack).findResources('AWS::EKS::Nodegroup');
}
const only = (resources: { [id: string]: { [key: string]: unknown } }) => Object.values(resources)[0].Properties as { [key: string]: unknown };

describe('node-group versions', () => {
  test('pin flag on: the Kubernetes version and the table\'s AL2023 release of the minor are literals in the template', () => {
    const props = only(nodegroupProps({}, PIN));
    expect(props).toMatchObject({ Version: '1.34', ReleaseVersion: defaultReleaseVersion('1.34')!.releaseVersion });
    // GPU and Arm AL2023 types share the release version.
    expect(only(nodegroupProps({ instanceTypes: [new ec2.InstanceType('g5.xlarge')] }, PIN))).toMatchObject({ AmiType: 'AL2023_x86_64_NVIDIA', ReleaseVersion: '1.34.9-20260714' });
  });

  test('pin flag off: neither appears unless given (a deployed node group keeps its AMI and is not rolled)', () => {
    const props = only(nodegroupProps({}));
    expect(props).not.toHaveProperty('Version');
    expect(props).not.toHaveProperty('ReleaseVersion');
    expect(only(nodegroupProps({ releaseVersion: '1.34.8-20260610' }))).toMatchObject({ ReleaseVersion: '1.34.8-20260610' });
  });

  test('an explicit release or version overrides the table; Bottlerocket is not pinned and says so', () => {
    expect(only(nodegroupProps({ releaseVersion: '1.34.8-20260610' }, PIN))).toMatchObject({ ReleaseVersion: '1.34.8-20260610', Version: '1.34' });
    expect(only(nodegroupProps({ kubernetesVersion: eks.KubernetesVersion.V1_33 }, PIN))).toMatchObject({ Version: '1.33', ReleaseVersion: defaultReleaseVersion('1.33')!.releaseVersion });
    const { stack, cluster } = setup(PIN);
    cluster.addNodegroup('Rocket', { bottlerocket: true });
    expect(only(Template.fromStack(stack).findResources('AWS::EKS::Nodegroup'))).not.toHaveProperty('ReleaseVersion');
    Annotations.fromStack(stack).hasInfo('/Test/Safe/Rocket', Match.stringLikeRegexp('AMI release not pinned.*BOTTLEROCKET_x86_64'));
  });

  test('a node group newer than the control plane, or more than three minors behind, is refused with the skew policy', () => {
    const { cluster } = setup();
    let n = 0;
    fc.assert(fc.property(fc.integer({ min: 20, max: 45 }), (minor) => {
      const build = () => cluster.addNodegroup(`Ng${n++}`, { kubernetesVersion: eks.KubernetesVersion.of(`1.${minor}`) });
      if (minor <= 34 && minor >= 31) {
        expect(build).not.toThrow();
      } else {
        const error = refusal(build);
        expect(error.code).toBe('NodegroupVersionSkew');
        expect(error.message).toMatch(/Test\/Safe\/Ng\d+: .*https:\/\/kubernetes.io\/releases\/version-skew-policy\/#kubelet.* Got: "1.\d+"\. Fix: /);
      }
    }), { numRuns: 26 });
  });

  test('a release of another minor, or of a minor the table lacks, is refused', () => {
    expect(refusal(() => nodegroupProps({ releaseVersion: '1.33.13-20260714' }, PIN)).code).toBe('NodegroupReleaseVersionSkew');
    expect(refusal(() => nodegroupProps({ releaseVersion: '1.33.13-20260714' })).code).toBe('NodegroupReleaseVersionSkew');
    expect(refusal(() => nodegroupProps({ releaseVersion: 'v20260714' })).code).toBe('NodegroupReleaseVersionFormat');
    const { cluster } = setup(PIN, eks.KubernetesVersion.V1_36);
    expect(() => cluster.addNodegroup('Ok', { kubernetesVersion: eks.KubernetesVersion.V1_33 })).not.toThrow();
    const { cluster: future } = setupFuture();
    expect(refusal(() => future.addNodegroup('Workers', {})).code).toBe('NodegroupReleaseVersionUnlisted');
  });

  test('an imported cluster without a version cannot check skew or pin, and says so', () => {
    const app = testApp();
    app.node.setContext(SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION, true);
    const stack = testStack(app);
    const attrs = { clusterName: 'imported', vpc: testVpc(stack), nodeSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', controlPlaneSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb' };
    const unknown = SafeCluster.fromSafeClusterAttributes(stack, 'Unknown', attrs);
    expect(refusal(() => new SafeNodegroup(stack, 'A', { cluster: unknown, kubernetesVersion: eks.KubernetesVersion.V1_34 })).code).toBe('NodegroupVersionUnchecked');
    expect(refusal(() => new SafeNodegroup(stack, 'B', { cluster: unknown })).code).toBe('NodegroupReleaseVersionUnpinned');
    expect(() => new SafeNodegroup(stack, 'C', { cluster: unknown, releaseVersion: '1.34.9-20260714' })).not.toThrow();
    const known = SafeCluster.fromSafeClusterAttributes(stack, 'Known', { ...attrs, version: eks.KubernetesVersion.V1_35 });
    new SafeNodegroup(stack, 'D', { cluster: known });
    expect(Template.fromStack(stack).findResources('AWS::EKS::Nodegroup', { Properties: { Version: '1.35', ReleaseVersion: '1.35.6-20260714' } })).not.toEqual({});
  });
});

/** A 1.37 cluster (named by aws-cdk-lib, not in the tables) with its add-on versions given. */
function setupFuture() {
  const app = testApp();
  app.node.setContext(SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION, true);
  const stack = testStack(app);
  const cluster = new SafeCluster(stack, 'Safe', {
    version: eks.KubernetesVersion.V1_37, vpc: testVpc(stack), defaultCapacity: 0,
    addonVersions: { vpcCni: 'v1.21.1-eksbuild.7', kubeProxy: 'v1.37.0-eksbuild.1', coreDns: 'v1.14.3-eksbuild.3', podIdentityAgent: 'v1.3.10-eksbuild.3' },
    unlistedAddonVersionReason: 'read from describe-addon-versions for 1.37 in the test account',
  });
  return { stack, cluster };
}
