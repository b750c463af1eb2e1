import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { SafeEksFeatureFlags } from '../../lib';
import { defaultAddonVersion, OWNED_ADDONS } from '../../lib/model/addon-versions';
import { defaultReleaseVersion } from '../../lib/model/ami-release-versions';
import { testApp } from '../helpers';

// The example as `cdk synth` runs it: with the context of this repository's cdk.json, where new apps turn the flags on.
const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context as { [key: string]: unknown };

describe('example app, with the context of cdk.json', () => {
  const app: App = testApp();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  buildApp(app);

  test('cdk.json turns on every flag a new app starts with', () => {
    for (const [flag, value] of Object.entries(SafeEksFeatureFlags.NEW_APP_CONTEXT)) expect(context[flag]).toBe(value);
  });

  test('each color owns the four add-ons at its minor\'s literal versions, no self-managed copies, and pinned nodes that wait for the CNI', () => {
    for (const color of ['Blue', 'Green']) {
      const json = Template.fromStack(app.node.findChild(`Payments-${color}`) as Stack).toJSON();
      const resources = Object.entries(json.Resources as { [id: string]: { Type: string; Properties: { [k: string]: unknown }; DependsOn?: string[] } });
      const [, cluster] = resources.find(([, r]) => r.Type === 'AWS::EKS::Cluster')!;
      const minor = cluster.Properties.Version as string;
      expect(cluster.Properties.BootstrapSelfManagedAddons).toBe(false);
      const addons = resources.filter(([, r]) => r.Type === 'AWS::EKS::Addon');
      expect(Object.fromEntries(addons.map(([, r]) => [r.Properties.AddonName, r.Properties.AddonVersion])))
        .toEqual(Object.fromEntries(OWNED_ADDONS.map((a) => [a, defaultAddonVersion(a, minor)!.version])));
      const cni = addons.find(([, r]) => r.Properties.AddonName === 'vpc-cni')![0];
      for (const [, nodegroup] of resources.filter(([, r]) => r.Type === 'AWS::EKS::Nodegroup')) {
        expect(nodegroup.DependsOn).toContain(cni);
        expect(nodegroup.Properties).toMatchObject({ Version: minor, ReleaseVersion: defaultReleaseVersion(minor)!.releaseVersion });
      }
    }
  });
});
