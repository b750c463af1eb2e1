import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BlueGreenClusterPair, GuardrailTrail, TrafficShift } from '../../lib';
import { testApp } from '../helpers';
import { CERTIFICATE_ARN, ENV, NODEGROUPS, tempDir, tempStateFile } from './pair-app';

const TRAIL = GuardrailTrail.organizationTrail('The organization trail logs management events in every region.');

function pair(extra: Partial<ConstructorParameters<typeof BlueGreenClusterPair>[2]> = {}, app = new App({ outdir: tempDir(), context: testApp().node.getAllContext() })) {
  return new BlueGreenClusterPair(app, 'Payments', {
    env: ENV, stateFile: tempStateFile(), trafficShift: TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN }),
    blue: { version: eks.KubernetesVersion.V1_34, weight: 100, nodegroups: NODEGROUPS, minHealthyHosts: 3 },
    green: { version: eks.KubernetesVersion.V1_34, weight: 0, nodegroups: NODEGROUPS, deletionProtection: false },
    guardrailTrail: TRAIL,
    ...extra,
  });
}

describe('guardrails of a pair', () => {
  test('on by default: each color alerts the Shared topic, and its healthy-hosts alarm has the color\'s minimum', () => {
    const p = pair();
    const blue = Template.fromStack(p.blueStack);
    blue.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'cdk-safe-eks-payments-blue-1-34-healthy-hosts', Threshold: 3, ActionsEnabled: true });
    Template.fromStack(p.greenStack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'cdk-safe-eks-payments-green-1-34-healthy-hosts', Threshold: 1 });
    blue.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { 'Fn::ImportValue': 'Payments-Shared-AlertTopicArn' } })] });
    // The key policy lets EventBridge (through the SNS target's grant) and CloudWatch encrypt with the pair's key.
    const shared = Template.fromStack(p.sharedStack);
    const keyStatements = Object.values(shared.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('guardrail alerts of EKS cluster pair Payments') } }))
      .flatMap((k) => k.Properties.KeyPolicy.Statement);
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      expect(keyStatements).toEqual(expect.arrayContaining([expect.objectContaining({ Principal: { Service: service }, Effect: 'Allow' })]));
    }
    expect(Annotations.fromStack(p.blueStack).findWarning('*', Match.stringLikeRegexp('guardrailsTopicKeyPolicy'))).toEqual([]);
  });

  test('an alert topic of your own: no topic in Shared, the colors and the Health rule alert it', () => {
    const app = new App({ outdir: tempDir(), context: testApp().node.getAllContext() });
    const alerts = new Stack(app, 'Alerts', { env: ENV });
    const topic = new sns.Topic(alerts, 'Topic', { masterKey: new kms.Key(alerts, 'Key', { enableKeyRotation: true }) });
    const p = pair({ alertTopic: topic }, app);
    const shared = Template.fromStack(p.sharedStack);
    shared.resourceCountIs('AWS::SNS::Topic', 0);
    shared.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.health'] }), Targets: [Match.objectLike({ Arn: { 'Fn::ImportValue': Match.stringLikeRegexp('^Alerts:') } })],
    });
    Template.fromStack(p.greenStack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::ImportValue': Match.stringLikeRegexp('^Alerts:') } })],
    });
  });

  test('guardrails: false leaves the colors without them (the EksUpgradeSafety pack then reports EGR1)', () => {
    const p = pair({ guardrails: false });
    for (const stack of [p.blueStack, p.greenStack, p.sharedStack]) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      t.resourceCountIs('AWS::Events::Rule', 0);
    }
  });

  test('without a trail, each color warns with the fix', () => {
    const p = pair({ guardrailTrail: undefined });
    expect(Annotations.fromStack(p.blueStack).findWarning('*', Match.stringLikeRegexp('guardrailsTrailNotStated'))).not.toEqual([]);
  });

  test('a bad minHealthyHosts or guardrailTrail is refused naming the prop', () => {
    expect(() => pair({ blue: { version: eks.KubernetesVersion.V1_34, weight: 100, minHealthyHosts: 'two' as unknown as number } })).toThrow(/blue\.minHealthyHosts/);
    expect(() => pair({ guardrailTrail: 'org' as unknown as GuardrailTrail })).toThrow(/guardrailTrail/);
  });
});
