import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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

  test('each color has its guardrails: the rule naming its owned groups and its EKS-created group, the pair\'s SNS target, the health, 5xx and changes alarms, no Lambda', () => {
    const shared = template('Payments-Shared');
    const topics = Object.entries(shared.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    const [topicId, topic] = topics[0];
    expect(topic.Properties.KmsMasterKeyId).toEqual(expect.anything());
    // The alerts topic under a fixed export name, which each color imports.
    shared.hasOutput('*', { Value: { Ref: topicId }, Export: { Name: 'Payments-Shared-AlertTopicArn' } });
    for (const color of ['Blue', 'Green']) {
      const t = template(`Payments-${color}`);
      const cluster = `payments-${color.toLowerCase()}-1-34`;
      const groups = [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterNodeSecurityGroup'), 'GroupId'] },
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterControlPlaneSecurityGroup'), 'GroupId'] },
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterC2E21B66'), 'ClusterSecurityGroupId'] },
      ];
      t.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ source: ['aws.ec2'], detail: Match.objectLike({ $or: Match.arrayWith([{ requestParameters: { groupId: groups } }]) }) }),
        Targets: [Match.objectLike({ Arn: { 'Fn::ImportValue': 'Payments-Shared-AlertTopicArn' } })],
      });
      t.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.eks'] }) });
      const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => [a.Properties.AlarmName, a.Properties.ActionsEnabled]);
      expect(alarms.sort()).toEqual(['changes', 'healthy-hosts', 'p99-response-time', 'target-5xx', 'unhealthy-hosts']
        // Notifying whatever the weight: a shift changes only the Traffic stack.
        .map((kind) => [`cdk-safe-eks-${cluster}-${kind}`, true]));
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `cdk-safe-eks-${cluster}-healthy-hosts`, Threshold: 2 });
      t.resourceCountIs('AWS::SNS::Topic', 0);
      t.resourceCountIs('AWS::Lambda::Function', 0);
    }
    // AWS Health events are per account and region: the Shared stack sends them, whatever the colors do.
    for (const color of ['Blue', 'Green']) {
      expect(Object.values(template(`Payments-${color}`).findResources('AWS::Events::Rule')).some((r) => r.Properties.EventPattern.source[0] === 'aws.health')).toBe(false);
    }
    shared.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.health'] }), Targets: [Match.objectLike({ Arn: { Ref: topicId } })],
    });
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
