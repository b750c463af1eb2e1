import * as fs from 'fs';
import * as path from 'path';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { NODEGROUPS, buildPairApp, color, tempStateFile } from './pair-app';
import { recordPair } from '../../lib/cli/pair';
import { formatPlan } from '../../lib/cli/pair-plan';
import { pairAssemblyFileName, readStateFile } from '../../lib/blue-green/pair-state';
import { OWNED_ADDONS, OwnedAddon, defaultAddonVersion } from '../../lib/model/addon-versions';
import { defaultReleaseVersion } from '../../lib/model/ami-release-versions';
import { UpgradeStrategy } from '../../lib';

const V1_33 = eks.KubernetesVersion.V1_33;
const V1_34 = eks.KubernetesVersion.V1_34;
const addon = (name: OwnedAddon, minor: string) => defaultAddonVersion(name, minor)!.version;
const tableAddons = (minor: string) => Object.fromEntries(OWNED_ADDONS.map((a) => [a, addon(a, minor)]));
const ami = (minor: string) => defaultReleaseVersion(minor)!.releaseVersion;
/** Green's node group pinned to 1.33 explicitly (the tests' app leaves the pin flag off, so Blue's names no version). */
const PINNED_1_33 = { General: { ...NODEGROUPS.General, kubernetesVersion: V1_33, releaseVersion: ami('1.33') } };

describe('the versions of a pair\'s colors', () => {
  const stateFile = tempStateFile();
  const inPlace = (green: ReturnType<typeof color>) => buildPairApp({ stateFile, upgradeStrategy: UpgradeStrategy.IN_PLACE, blue: color(V1_33, 100), green });

  beforeAll(() => {
    const { app } = inPlace(color(V1_33, 0, { nodegroups: PINNED_1_33 }));
    recordPair(app.synth().directory, 'Payments', stateFile);
  }, 300_000);

  test('the pair\'s file in the assembly, and so the state file, records each color\'s add-on versions and what each node group\'s template names', () => {
    const { blue, green } = readStateFile(stateFile).pairs.Payments;
    expect(blue).toMatchObject({ addons: tableAddons('1.33'), nodegroups: { General: {} } });
    expect(green).toMatchObject({ addons: tableAddons('1.33'), nodegroups: { General: { version: '1.33', releaseVersion: ami('1.33') } } });
    // The AMI type too: the plan pins only the node groups the AMI table covers.
    expect([blue?.nodegroups?.General.amiType, green?.nodegroups?.General.amiType]).toEqual(['AL2023_x86_64_STANDARD', 'AL2023_x86_64_STANDARD']);
  });

  test('the control-plane step of the plan synthesizes as printed: addonVersions and the node group pins reach the color\'s template, and are recorded', () => {
    const plan = formatPlan('Payments', readStateFile(stateFile).pairs.Payments, '1.34', { stateFile, assembly: 'cdk.out' });
    const held = { vpcCni: addon('vpc-cni', '1.33'), kubeProxy: addon('kube-proxy', '1.34'), coreDns: addon('coredns', '1.33'), podIdentityAgent: addon('eks-pod-identity-agent', '1.33') };
    const reason = `coredns ${held.coreDns} as at 1.33, until the add-ons step`;
    expect(plan).toContain(`addonVersions: { vpcCni: '${held.vpcCni}', kubeProxy: '${held.kubeProxy}', coreDns: '${held.coreDns}', podIdentityAgent: '${held.podIdentityAgent}' }, `
      + `unlistedAddonVersionReason: '${reason}' }; nodegroups.General: { kubernetesVersion: eks.KubernetesVersion.of('1.33'), releaseVersion: '${ami('1.33')}' }`);

    const { app, pair } = inPlace(color(V1_34, 0, { addonVersions: held, unlistedAddonVersionReason: reason, nodegroups: PINNED_1_33 }));
    const template = Template.fromStack(pair.greenStack);
    for (const [name, version] of [['vpc-cni', held.vpcCni], ['kube-proxy', held.kubeProxy], ['coredns', held.coreDns], ['eks-pod-identity-agent', held.podIdentityAgent]]) {
      template.hasResourceProperties('AWS::EKS::Addon', { AddonName: name, AddonVersion: version });
    }
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: '1.34' });
    template.hasResourceProperties('AWS::EKS::Nodegroup', { Version: '1.33', ReleaseVersion: ami('1.33') });
    // Blue is left as it was: the table's versions of its minor.
    Template.fromStack(pair.blueStack).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'coredns', AddonVersion: addon('coredns', '1.33') });
    Template.fromStack(pair.blueStack).hasResourceProperties('AWS::EKS::Nodegroup', { Version: Match.absent(), ReleaseVersion: Match.absent() });

    const file = JSON.parse(fs.readFileSync(path.join(app.synth().directory, pairAssemblyFileName('Payments')), 'utf-8'));
    expect(file.green).toMatchObject({
      version: '1.34',
      addons: { 'vpc-cni': held.vpcCni, 'kube-proxy': held.kubeProxy, 'coredns': held.coreDns, 'eks-pod-identity-agent': held.podIdentityAgent },
      nodegroups: { General: { version: '1.33', releaseVersion: ami('1.33') } },
    });
  });

  test('a color\'s add-on versions of the wrong type are refused before anything is built, naming the option', () => {
    const refused = (green: object) => {
      try {
        buildPairApp({ stateFile, upgradeStrategy: UpgradeStrategy.IN_PLACE, blue: color(V1_33, 100), green: { ...color(V1_33, 0), ...green } });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(refused({ addonVersions: 'v1.12.4-eksbuild.18' })).toContain('`green.addonVersions` must be an AddonVersions. Got: string "v1.12.4-eksbuild.18".');
    expect(refused({ addonVersions: { coreDns: 1 } })).toContain('`green.addonVersions.coreDns` must be a string. Got: number 1.');
    expect(refused({ unlistedAddonVersionReason: true })).toContain('`green.unlistedAddonVersionReason` must be a string.');
  });
});
