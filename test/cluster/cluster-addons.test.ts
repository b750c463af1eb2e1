import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { SafeCluster, SafeClusterProps, SafeEksFeatureFlags } from '../../lib';
import { CloudFormationSchema } from '../../lib/checks/cloudformation-schema';
import { ChangeSafety } from '../../lib/model/change-safety';
import { ChangeKind } from '../../lib/model/change-verdicts';
import { ADDON_VERSIONS } from '../../lib/model/addon-versions';
import { refusal, testApp, testStack, testVpc } from '../helpers';

const NEW_APP = { [SafeEksFeatureFlags.NO_SELF_MANAGED_ADDONS]: true, [SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION]: true };

/** The stack of the release fixture: a cluster with its default node group and one more (`fixtures/release-0.1-cluster-stack.json`). */
function build(props: Partial<SafeClusterProps> = {}, context: { [key: string]: unknown } = {}) {
  const app = testApp();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const stack = testStack(app);
  const vpc = testVpc(stack);
  const cluster = new SafeCluster(stack, 'Safe', { version: eks.KubernetesVersion.V1_34, vpc, ...props });
  cluster.addNodegroup('Extra', { instanceTypes: [new ec2.InstanceType('m6g.large')], minSize: 1, maxSize: 3 });
  return { stack, cluster };
}
interface Resource { Type: string; Properties: { [key: string]: unknown }; DependsOn?: string[] }
const resourcesOf = (template: { [key: string]: unknown }, type: string) =>
  Object.entries((template as { Resources: { [id: string]: Resource } }).Resources).filter(([, r]) => r.Type === type);
const table = (addon: string, minor = '1.34') => ADDON_VERSIONS.filter((r) => r.addon === addon && r.minor === minor).pop()!.version;

describe('owned networking add-ons', () => {
  test('every cluster declares the four add-ons at the table\'s literal versions for its minor, kept on delete', () => {
    const { stack, cluster } = build();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::Addon', 4);
    const expected = { 'vpc-cni': 'PRESERVE', 'kube-proxy': 'OVERWRITE', 'coredns': 'PRESERVE', 'eks-pod-identity-agent': 'OVERWRITE' };
    for (const [name, resolveConflicts] of Object.entries(expected)) {
      template.hasResourceProperties('AWS::EKS::Addon', {
        AddonName: name, AddonVersion: table(name), ClusterName: { Ref: stack.getLogicalId(cluster.cluster.node.defaultChild as eks.CfnCluster) },
        PreserveOnDelete: true, ResolveConflicts: resolveConflicts,
      });
    }
    expect(cluster.addonVersions).toEqual({ vpcCni: table('vpc-cni'), kubeProxy: table('kube-proxy'), coreDns: table('coredns'), podIdentityAgent: table('eks-pod-identity-agent') });
    // The agent is aws-eks-v2's own instance: a Pod Identity service account reuses it instead of adding a second one.
    expect((cluster.cluster as eks.Cluster).eksPodIdentityAgent).toBe(cluster.podIdentityAgentAddon);
  });

  test('node groups depend on the VPC CNI and kube-proxy add-ons; CoreDNS waits for the node groups', () => {
    const { stack, cluster } = build();
    const template = Template.fromStack(stack).toJSON();
    const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as eks.CfnAddon);
    const nodegroups = resourcesOf(template, 'AWS::EKS::Nodegroup');
    expect(nodegroups).toHaveLength(2);
    for (const [, nodegroup] of nodegroups) {
      expect(nodegroup.DependsOn).toEqual(expect.arrayContaining([id(cluster.vpcCniAddon), id(cluster.kubeProxyAddon)]));
    }
    const coreDns = template.Resources[id(cluster.coreDnsAddon)] as { DependsOn?: string[] };
    expect(coreDns.DependsOn).toEqual(expect.arrayContaining(nodegroups.map(([logicalId]) => logicalId)));
  });

  test('an override replaces one version; a version the table does not list is refused unless a reason accepts it', () => {
    const older = 'v1.12.4-eksbuild.18';
    expect(refusal(() => build({ addonVersions: { coreDns: older } })).code).toBe('AddonVersionUnlisted');
    expect(refusal(() => build({ addonVersions: { coreDns: older } })).message).toMatch(/addonVersions.coreDns=v1.12.4-eksbuild.18.*unlistedAddonVersionReason/);
    const { stack, cluster } = build({ addonVersions: { coreDns: older }, unlistedAddonVersionReason: 'the version the live color was recorded at' });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'coredns', AddonVersion: older });
    expect(cluster.addonVersions.coreDns).toBe(older);
    Annotations.fromStack(stack).hasInfo('/Test/Safe', Match.stringLikeRegexp('Add-on versions outside the table accepted.*the version the live color was recorded at'));
    // A listed override needs no reason; a reason that accepts nothing is refused so it cannot wave through a later version.
    expect(() => build({ addonVersions: { vpcCni: table('vpc-cni') } })).not.toThrow();
    expect(refusal(() => build({ addonVersions: { vpcCni: table('vpc-cni') }, unlistedAddonVersionReason: 'just in case' })).code).toBe('UnusedAcknowledgement');
    expect(refusal(() => build({ addonVersions: { coreDns: older }, unlistedAddonVersionReason: ' ' })).code).toBe('AcknowledgementWithoutReason');
  });

  test('skew and form guards: kube-proxy of another minor, a malformed version, a minor the table does not cover', () => {
    const proxy = refusal(() => build({ addonVersions: { kubeProxy: table('kube-proxy', '1.33') }, unlistedAddonVersionReason: 'tried' }));
    expect(proxy.code).toBe('KubeProxyVersionSkew');
    expect(proxy.message).toMatch(/kubernetes.io\/releases\/version-skew-policy.*Got: "v1.33.10-eksbuild.13".*Fix: use a kube-proxy v1.34/);
    expect(refusal(() => build({ addonVersions: { vpcCni: '1.21.1' } })).code).toBe('AddonVersionFormat');
    expect(refusal(() => build({ addonVersions: { vpcCni: 7 as unknown as string } })).code).toBe('PropType');
    const unknown = refusal(() => build({ version: eks.KubernetesVersion.V1_37 }));
    expect(unknown.code).toBe('AddonVersionsUnknownMinor');
    expect(unknown.message).toMatch(/Test\/Safe: the add-on table lists no vpc-cni version for Kubernetes 1.37 \(it covers 1.31, .*1.36\).*Got: "1.37"/);
  });

  test('a default no AWS source lists is said at synth', () => {
    const { stack } = build();
    Annotations.fromStack(stack).hasInfo('/Test/Safe', Match.stringLikeRegexp('not confirmed by an AWS listing.*eks-pod-identity-agent v1.3.10-eksbuild.3'));
  });
});

describe('feature flag for self-managed add-ons', () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'release-0.1-cluster-stack.json'), 'utf8'));
  const [clusterId, before] = resourcesOf(fixture, 'AWS::EKS::Cluster')[0];

  test('off (existing apps): the cluster\'s properties are exactly those of the last release', () => {
    const after = Template.fromStack(build().stack).toJSON();
    expect(after.Resources[clusterId].Properties).toEqual(before.Properties);
    expect(after.Resources[clusterId].Properties).not.toHaveProperty('BootstrapSelfManagedAddons');
  });

  test('on (new apps): the cluster carries BootstrapSelfManagedAddons false and nothing else changes', () => {
    const after = Template.fromStack(build({}, NEW_APP).stack).toJSON();
    expect(after.Resources[clusterId].Properties).toEqual({ ...before.Properties, BootstrapSelfManagedAddons: false });
  });

  test('a flag value other than true or false is refused', () => {
    expect(refusal(() => build({}, { [SafeEksFeatureFlags.NO_SELF_MANAGED_ADDONS]: 'yes' })).code).toBe('FeatureFlagValue');
    expect(Template.fromStack(build({}, { [SafeEksFeatureFlags.NO_SELF_MANAGED_ADDONS]: 'true' }).stack).toJSON().Resources[clusterId].Properties)
      .toHaveProperty('BootstrapSelfManagedAddons', false);
  });

  describe('release lock: upgrading from the last release, flags untouched', () => {
    const schema = new CloudFormationSchema();
    const diff = (after: { [key: string]: unknown }) => ChangeSafety.compare([{ stackName: 'Test', template: fixture }], [{ stackName: 'Test', template: after }], schema);

    test('replaces and removes nothing: the four add-ons are added, the node groups gain only a DependsOn', () => {
      const report = diff(Template.fromStack(build().stack).toJSON());
      const changed = report.resources.filter((r) => r.change !== ChangeKind.UNCHANGED);
      expect(changed.map((r) => [r.type, r.change, r.changedProperties]).sort()).toEqual([
        ...Array(4).fill(['AWS::EKS::Addon', ChangeKind.ADDED, []]),
        // DependsOn is no property: CloudFormation orders the add-ons first and calls no update of the node group.
        ...Array(2).fill(['AWS::EKS::Nodegroup', ChangeKind.UPDATED, []]),
      ]);
      expect(report.resources.filter((r) => [ChangeKind.REPLACED, ChangeKind.MAY_BE_REPLACED, ChangeKind.REMOVED].includes(r.change))).toEqual([]);
      expect(report.safe).toBe(true);
    });

    test('turning the add-on flag on for that cluster would replace it (why existing apps leave it off)', () => {
      const report = diff(Template.fromStack(build({}, { [SafeEksFeatureFlags.NO_SELF_MANAGED_ADDONS]: true }).stack).toJSON());
      const cluster = report.resources.find((r) => r.logicalId === clusterId)!;
      expect(cluster.change).toBe(ChangeKind.REPLACED);
      expect(cluster.reasons.join()).toContain('BootstrapSelfManagedAddons');
      expect(report.safe).toBe(false);
    });

    test('the release-pin flag alone updates the node groups in place (one roll of their nodes), never replaces them', () => {
      const report = diff(Template.fromStack(build({}, { [SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION]: true }).stack).toJSON());
      const nodegroups = report.resources.filter((r) => r.type === 'AWS::EKS::Nodegroup');
      expect(nodegroups.map((r) => [r.change, [...r.changedProperties].sort()])).toEqual(Array(2).fill([ChangeKind.UPDATED, ['ReleaseVersion', 'Version']]));
      expect(report.resources.find((r) => r.logicalId === clusterId)!.change).toBe(ChangeKind.UNCHANGED);
    });
  });
});
