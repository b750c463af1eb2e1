import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../bin/app';
import { testApp } from '../helpers';

describe('example app', () => {
  const app: App = buildApp(testApp());
  const template = (stack: string) => Template.fromStack(app.node.findChild(stack) as import('aws-cdk-lib').Stack);

  test('passes cdk-nag AwsSolutions with only reasoned acknowledgements', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });

  test('synthesizes offline into the four stacks of the pair and the TargetGroupBinding files: no context lookups are left missing', () => {
    const assembly = app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['Payments-Blue', 'Payments-Green', 'Payments-Shared', 'Payments-Traffic']);
    for (const color of ['Blue', 'Green']) {
      expect(fs.readFileSync(path.join(assembly.directory, `Payments-${color}.targetgroupbinding.yaml`), 'utf-8')).toContain('kind: TargetGroupBinding');
    }
  });

  test('each color has a private SafeCluster with an owned node group, the live one protected; Aurora and Valkey are in Shared', () => {
    for (const color of ['Blue', 'Green']) {
      const t = template(`Payments-${color}`);
      t.hasResourceProperties('AWS::EKS::Cluster', {
        // Blue serves traffic and is protected; idle Green is not, so the REPLACE strategy can recreate it.
        Name: `payments-${color.toLowerCase()}-1-34`, DeletionProtection: color === 'Blue',
        ResourcesVpcConfig: { EndpointPublicAccess: false, EndpointPrivateAccess: true },
      });
      t.resourceCountIs('AWS::EKS::Nodegroup', 1);
    }
    const shared = template('Payments-Shared');
    shared.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql' });
    shared.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template('Payments-Traffic').resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
  });
});
