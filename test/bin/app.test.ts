import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../bin/app';
import { testApp } from '../helpers';

describe('example app', () => {
  const app: App = buildApp(testApp());

  test('passes cdk-nag AwsSolutions with only reasoned acknowledgements', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });

  test('synthesizes offline: no context lookups are left missing', () => {
    const assembly = app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('the cluster stack has a private, encrypted SafeCluster with an owned node group', () => {
    const cluster = app.node.findChild('SafeEksCluster') as import('aws-cdk-lib').Stack;
    const template = Template.fromStack(cluster);
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'payments-blue', ResourcesVpcConfig: { EndpointPublicAccess: false, EndpointPrivateAccess: true },
    });
    template.resourceCountIs('AWS::EKS::Nodegroup', 1);
  });
});
