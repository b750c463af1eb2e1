import { Annotations as CdkAnnotations, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { guardedCluster } from './guardrail-app';
import { ClusterGuardrails, GuardrailAlarm, GuardrailTrail, SafeCluster } from '../../lib';
import { ALL_GUARDRAIL_ALARM_KINDS, GuardrailAlarmKind, guardrailAlarmArn, guardrailAlarmName, guardrailAlarmNames } from '../../lib/model/guardrail-names';
import { testApp, testStack, testVpc } from '../helpers';

const TRAIL = GuardrailTrail.organizationTrail('The AWS Control Tower organization trail logs management events in every governed region.');

describe('ClusterGuardrails: resources', () => {
  const { stack } = guardedCluster({ trail: TRAIL });
  const template = Template.fromStack(stack);

  test('five EventBridge rules, each with the SNS topic as its only target and a readable message; no Lambda function', () => {
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.keys(rules).map((id) => id.replace(/^ClusterGuardrails/, '').replace(/[0-9A-F]{8}$/, '')).sort())
      .toEqual(['ClusterChanges', 'EksHealthEvents', 'SecurityGroupChanges', 'SecurityGroupRuleModifications', 'UnnamedSecurityGroupChanges']);
    for (const rule of Object.values(rules)) {
      expect(rule.Properties.State).toBe('ENABLED');
      expect(rule.Properties.Targets).toEqual([{
        Arn: { Ref: expect.stringMatching(/^ClusterGuardrailsAlerts/) }, Id: 'Target0',
        InputTransformer: { InputPathsMap: expect.any(Object), InputTemplate: expect.stringMatching(/^"\[cdk-safe-eks\] .*payments-blue/) },
      }]);
    }
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('the security-group rule names the owned node and control-plane groups and the EKS-created one; the EKS rule names the cluster', () => {
    const ids = [
      { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterNodeSecurityGroup'), 'GroupId'] },
      { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterControlPlaneSecurityGroup'), 'GroupId'] },
      { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterC2E21B66'), 'ClusterSecurityGroupId'] },
    ];
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: {
      'source': ['aws.ec2'], 'detail-type': ['AWS API Call via CloudTrail'],
      'detail': Match.objectLike({ $or: [{ requestParameters: { groupId: ids } }, { requestParameters: { ipPermissions: { items: { groups: { items: { groupId: ids } } } } } }] }),
    } });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: {
      'source': ['aws.eks'], 'detail-type': ['AWS API Call via CloudTrail'],
      'detail': Match.objectLike({ $or: [{ requestParameters: { name: ['payments-blue'] } }, { requestParameters: { clusterName: ['payments-blue'] } }] }),
    } });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['aws.health'], 'detail-type': ['AWS Health Event'], 'detail': { service: ['EKS'] } } });
  });

  test('the topic is KMS-encrypted with a rotated key that CloudWatch may use from this account only; SSL is required', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterGuardrailsAlertsKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'kms:CreateGrant' }), Match.objectLike({
        Sid: 'CloudWatchAlarmsEncrypt', Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
      })]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Sid: 'AllowPublishThroughSSLOnly', Effect: 'Deny' }),
      Match.objectLike({ Sid: 'CloudWatchAlarmsPublish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
      Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }),
    ]) } });
  });

  test('five alarms with fixed names, notifying the topic on ALARM and OK', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual(Object.values(guardrailAlarmNames('payments-blue')).sort());
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ ActionsEnabled: true, AlarmActions: [{ Ref: expect.stringMatching(/^ClusterGuardrailsAlerts/) }], OKActions: [{ Ref: expect.stringMatching(/^ClusterGuardrailsAlerts/) }] });
    }
  });

  test('target-group alarms: healthy hosts below the minimum, any unhealthy host, 5xx share, p99 response time', () => {
    const dimensions = [{ Name: 'LoadBalancer', Value: 'app/payments/fedcba9876543210' }, { Name: 'TargetGroup', Value: 'targetgroup/payments-blue/0123456789abcdef' }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'cdk-safe-eks-payments-blue-healthy-hosts', MetricName: 'HealthyHostCount', Namespace: 'AWS/ApplicationELB', Dimensions: dimensions,
      Statistic: 'Minimum', Period: 60, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'cdk-safe-eks-payments-blue-unhealthy-hosts', MetricName: 'UnHealthyHostCount', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'cdk-safe-eks-payments-blue-target-5xx', Threshold: 5, ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count' }), Stat: 'Sum' }) }),
        Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RequestCount' }) }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'cdk-safe-eks-payments-blue-p99-response-time', MetricName: 'TargetResponseTime', ExtendedStatistic: 'p99', Threshold: 2,
    });
  });

  test('the changes alarm sums TriggeredRules of the three rules that name the cluster or its groups', () => {
    const ruleRef = (prefix: string) => Match.objectLike({ MetricStat: Match.objectLike({ Metric: {
      Namespace: 'AWS/Events', MetricName: 'TriggeredRules', Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp(`^ClusterGuardrails${prefix}`) } }],
    } }) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'cdk-safe-eks-payments-blue-changes', Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(rule0, 0) + FILL(rule1, 0) + FILL(rule2, 0)' }),
        ruleRef('SecurityGroupChanges'), ruleRef('SecurityGroupRuleModifications'), ruleRef('ClusterChanges')]),
    });
  });

  test('no trail warning when a trail is stated', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('guardrailsTrailNotStated'))).toEqual([]);
  });
});

describe('ClusterGuardrails: options', () => {
  test('an idle color (servesTraffic: false) keeps its alarms and their names, with actions off', () => {
    const { stack } = guardedCluster({ trail: TRAIL, servesTraffic: false });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    expect(alarms.every((a) => a.Properties.ActionsEnabled === false)).toBe(true);
  });

  test('without a target group only the changes alarm is made; healthEvents: false drops the Health rule; thresholds are applied', () => {
    const stack = testStack();
    const cluster = new SafeCluster(stack, 'Cluster', { clusterName: 'plain', version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), defaultCapacity: 0 });
    const guardrails = cluster.addGuardrails({ trail: TRAIL, healthEvents: false });
    const template = Template.fromStack(stack);
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName)).toEqual(['cdk-safe-eks-plain-changes']);
    expect(guardrails.healthRule).toBeUndefined();
    expect(Object.values(template.findResources('AWS::Events::Rule')).some((r) => r.Properties.EventPattern.source[0] === 'aws.health')).toBe(false);

    const custom = guardedCluster({ trail: TRAIL, minHealthyHosts: 3, max5xxPercent: 0.5, maxP99ResponseTime: Duration.millis(750) });
    const t = Template.fromStack(custom.stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'cdk-safe-eks-payments-blue-healthy-hosts', Threshold: 3 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'cdk-safe-eks-payments-blue-target-5xx', Threshold: 0.5 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'cdk-safe-eks-payments-blue-p99-response-time', Threshold: 0.75 });
  });

  test('more security groups are watched through securityGroups; a second set of guardrails for the cluster is refused (its alarm names would clash)', () => {
    const build = (second: boolean) => {
      const stack = testStack();
      const vpc = testVpc(stack);
      const extra = new ec2.SecurityGroup(stack, 'Lb', { vpc, description: 'lb', allowAllOutbound: false });
      const cluster = new SafeCluster(stack, 'Cluster', { clusterName: 'payments-blue', version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0, adminRoles: [] });
      cluster.addGuardrails({ trail: TRAIL, securityGroups: [extra], healthEvents: false });
      if (second) new ClusterGuardrails(stack, 'More', { cluster, trail: TRAIL, healthEvents: false });
      return Template.fromStack(stack);
    };
    const rule = Object.entries(build(false).findResources('AWS::Events::Rule')).find(([id]) => id.startsWith('ClusterGuardrailsSecurityGroupChanges'))![1];
    expect(JSON.stringify(rule.Properties.EventPattern.detail.$or[0])).toMatch(/"Lb[0-9A-F]{8}","GroupId"/);
    expect(() => build(true)).toThrow('Test/More: the cluster already has guardrails, whose alarms have the same fixed names; CloudWatch allows one alarm of a name per account and region. '
      + 'Got: cluster "payments-blue", guarded first by Test/Cluster/Guardrails. Fix: watch more security groups with the `securityGroups` prop of Test/Cluster/Guardrails');
  });

  test('a given topic: in-app with its key, the key gets the CloudWatch statement; imported with its key ARN, a warning names the key policy', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Ops', { masterKey: key, enforceSSL: true });
    const { guardrails } = guardedCluster({ trail: TRAIL, topic }, stack);
    expect(guardrails.topic).toBe(topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'CloudWatchAlarmsEncrypt' })]) } });

    const other = testStack(testApp(), 'Imported');
    const imported = sns.Topic.fromTopicAttributes(other, 'Ops', {
      topicArn: 'arn:aws:sns:eu-west-1:111111111111:ops', keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    guardedCluster({ trail: TRAIL, topic: imported }, other);
    Annotations.fromStack(other).hasWarning('*', Match.stringLikeRegexp('cloudwatch.amazonaws.com use kms:GenerateDataKey'));
  });

  test('an imported SafeCluster needs the EKS-created group\'s ID, and is watched by it', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const attrs = { clusterName: 'imported', vpc, nodeSecurityGroupId: 'sg-0123456789abcdef0', controlPlaneSecurityGroupId: 'sg-0123456789abcdef1' };
    const imported = SafeCluster.fromSafeClusterAttributes(stack, 'Imported', attrs);
    new ClusterGuardrails(stack, 'Guardrails', { cluster: imported, trail: TRAIL, clusterSecurityGroupId: 'sg-0123456789abcdef2' });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('"groupId":["sg-0123456789abcdef0","sg-0123456789abcdef1","sg-0123456789abcdef2"]');
    expect(() => new ClusterGuardrails(stack, 'Again', { cluster: SafeCluster.fromSafeClusterAttributes(stack, 'I2', attrs), trail: TRAIL }))
      .toThrow(/^Test\/Again: the guardrail watches the security group EKS created for the cluster.*Fix: pass `clusterSecurityGroupId`/s);
  });

  test('ClusterGuardrails.alarmName and alarmArn are the model\'s functions of the cluster name', () => {
    expect(ClusterGuardrails.alarmName('payments-green-1-35', GuardrailAlarm.HEALTHY_HOSTS)).toBe('cdk-safe-eks-payments-green-1-35-healthy-hosts');
    expect(ClusterGuardrails.alarmArn('payments-green-1-35', GuardrailAlarm.CHANGES, 'aws', 'eu-west-1', '111111111111'))
      .toBe('arn:aws:cloudwatch:eu-west-1:111111111111:alarm:cdk-safe-eks-payments-green-1-35-changes');
    expect([GuardrailAlarm.HEALTHY_HOSTS, GuardrailAlarm.UNHEALTHY_HOSTS, GuardrailAlarm.TARGET_5XX, GuardrailAlarm.P99_RESPONSE_TIME, GuardrailAlarm.CHANGES].map((k) => k.value))
      .toEqual(ALL_GUARDRAIL_ALARM_KINDS);
  });
});

describe('alarm names and ARNs (lib/model/guardrail-names)', () => {
  test('names are cdk-safe-eks-<cluster>-<kind>, within CloudWatch\'s 255 characters for any EKS cluster name', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/), fc.constantFrom(...ALL_GUARDRAIL_ALARM_KINDS), (cluster, kind) => {
      const name = guardrailAlarmName(cluster, kind);
      expect(name).toBe(`cdk-safe-eks-${cluster}-${kind}`);
      expect(name.length).toBeLessThanOrEqual(255);
      expect(guardrailAlarmArn(cluster, kind, { partition: 'aws-cn', region: 'cn-north-1', account: '222222222222' }))
        .toBe(`arn:aws-cn:cloudwatch:cn-north-1:222222222222:alarm:${name}`);
    }));
  });

  test('the names of one cluster: five with a target group, the changes alarm alone without; an unknown kind is refused', () => {
    expect(guardrailAlarmNames('c')).toEqual({
      'healthy-hosts': 'cdk-safe-eks-c-healthy-hosts', 'unhealthy-hosts': 'cdk-safe-eks-c-unhealthy-hosts', 'target-5xx': 'cdk-safe-eks-c-target-5xx',
      'p99-response-time': 'cdk-safe-eks-c-p99-response-time', 'changes': 'cdk-safe-eks-c-changes',
    });
    expect(guardrailAlarmNames('c', false)).toEqual({ changes: 'cdk-safe-eks-c-changes' });
    expect(() => guardrailAlarmName('c', 'latency' as GuardrailAlarmKind)).toThrow('guardrailAlarmName: this is not one of the guardrail alarm kinds. Got: "latency". Fix: pass one of healthy-hosts, unhealthy-hosts, target-5xx, p99-response-time, changes');
  });
});

describe('the trail', () => {
  test('no trail named: a warning with its ID and the fix, which can be acknowledged', () => {
    const { stack, guardrails } = guardedCluster();
    Annotations.fromStack(stack).hasWarning('/Test/Cluster/Guardrails', Match.stringLikeRegexp('GuardrailTrail.fromTrail\\(trail\\), GuardrailTrail.organizationTrail'));
    const quiet = guardedCluster({}, testStack(testApp(), 'Quiet'));
    CdkAnnotations.of(quiet.guardrails).acknowledgeWarning('cdk-safe-eks:guardrailsTrailNotStated', 'The landing zone trail is checked by the security team.');
    expect(Annotations.fromStack(quiet.stack).findWarning('*', Match.stringLikeRegexp('trail'))).toEqual([]);
    expect(guardrails).toBeDefined();
  });

  test('GuardrailTrail.create(): a multi-region trail with log-file validation, KMS-encrypted, to a versioned bucket and a log group, all retained', () => {
    const { stack } = guardedCluster({ trail: GuardrailTrail.create() });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true, IsMultiRegionTrail: true, EnableLogFileValidation: true, IncludeGlobalServiceEvents: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('TrailKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TrailLogs'), 'Arn'] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: Match.objectLike({
      VersioningConfiguration: { Status: 'Enabled' }, LoggingConfiguration: Match.anyValue(),
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
    }) });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'CloudTrailEncryptsLogFiles' })]) } });
  });

  test('GuardrailTrail.fromTrail: a trail that logs write management events passes; one that does not is refused with the fix', () => {
    const stack = testStack();
    const good = new cloudtrail.Trail(stack, 'Good', { managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY });
    guardedCluster({ trail: GuardrailTrail.fromTrail(good) }, stack);

    const other = testStack(testApp(), 'ReadOnly');
    const readOnly = new cloudtrail.Trail(other, 'ReadOnly', { managementEvents: cloudtrail.ReadWriteType.READ_ONLY });
    expect(() => guardedCluster({ trail: GuardrailTrail.fromTrail(readOnly) }, other))
      .toThrow(/ReadOnly\/Cluster\/Guardrails: trail ReadOnly\/ReadOnly logs no write management events\. Got: .*Fix: create it with managementEvents/);

    const third = testStack(testApp(), 'Advanced');
    const advanced = new cloudtrail.Trail(third, 'Advanced');
    (advanced.node.defaultChild as cloudtrail.CfnTrail).advancedEventSelectors = [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] } as never] }];
    expect(() => guardedCluster({ trail: GuardrailTrail.fromTrail(advanced) }, third)).toThrow(/advanced event selectors, and none selects write management events/);
  });

  test('a single-region trail of another region is refused', () => {
    const app = testApp();
    const elsewhere = new Stack(app, 'UsEast', { env: { account: '111111111111', region: 'us-east-1' } });
    const trail = new cloudtrail.Trail(elsewhere, 'Trail', { isMultiRegionTrail: false });
    expect(() => guardedCluster({ trail: GuardrailTrail.fromTrail(trail) }, testStack(app)))
      .toThrow(/trail UsEast\/Trail logs us-east-1 only, and the guardrail is in eu-west-1\..*Fix: make the trail multi-region/s);
  });
});

describe('stack drift detection', () => {
  test('a Config managed rule on the cluster\'s stack with its own role: drift actions on this stack, Describe/List of the services in it', () => {
    const { stack } = guardedCluster({ trail: TRAIL, stackDriftDetection: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: 'CLOUDFORMATION_STACK_DRIFT_DETECTION_CHECK' },
      Scope: { ComplianceResourceId: { Ref: 'AWS::StackId' }, ComplianceResourceTypes: ['AWS::CloudFormation::Stack'] },
      InputParameters: { cloudformationRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DriftDetectionRole'), 'Arn'] } },
    });
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Drift detection of stack') } }));
    const [drift, reads] = policy.Properties.PolicyDocument.Statement;
    expect(drift).toMatchObject({ Resource: { Ref: 'AWS::StackId' }, Action: expect.arrayContaining(['cloudformation:DetectStackDrift']) });
    expect(reads.Action).toEqual(expect.arrayContaining(['ec2:Describe*', 'eks:Describe*', 'eks:List*', 'iam:GetRole', 'events:Describe*', 'cloudwatch:Describe*', 'sns:GetTopicAttributes']));
    expect(reads.Action.filter((a: string) => /^(s3:GetObject|secretsmanager:Get|.*:\*$)/.test(a))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({
      Principal: { Service: 'config.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    })] } });
    Annotations.fromStack(stack).hasInfo('*', Match.stringLikeRegexp('configuration recorder'));
  });
});

describe('bad input is refused at synth with the path, the value and the fix', () => {
  const make = (options: object, stack = testStack()) => guardedCluster(options as never, stack);

  test.each([
    [{ minHealthyHosts: 0 }, /`minHealthyHosts` must be a whole number from 1 to 1000\. Got: 0\./],
    [{ minHealthyHosts: 1.5 }, /`minHealthyHosts` must be a whole number from 1 to 1000\. Got: 1\.5\./],
    [{ max5xxPercent: 0 }, /`max5xxPercent` is a share of requests in percent: above 0, at most 100\. Got: 0\. Fix: set `max5xxPercent`/],
    [{ max5xxPercent: 150 }, /`max5xxPercent` is a share.*Got: 150\./],
    [{ maxP99ResponseTime: Duration.seconds(0) }, /`maxP99ResponseTime` must be above 0 and at most 4000 seconds.*Got: 0 seconds\./],
    [{ maxP99ResponseTime: Duration.hours(2) }, /`maxP99ResponseTime` must be above 0.*Got: 2 hours\./],
    [{ clusterSecurityGroupId: 'sg-123' }, /`clusterSecurityGroupId` must be a security group ID.*Got: "sg-123"/],
    [{ servesTraffic: 'yes' }, /`servesTraffic` must be a boolean\. Got: string "yes"/],
    [{ trail: 'organization' }, /`trail` must be a GuardrailTrail\. Got: string "organization"/],
    [{ securityGroups: [{}] }, /`securityGroups\[0\]` must be an ec2\.ISecurityGroup/],
  ])('%j', (options, message) => {
    expect(() => make(options)).toThrow(message);
    expect(() => make(options)).toThrow(/^Test\/Cluster\/Guardrails: /);
  });

  test('thresholds: every value in range is accepted, every value out of it refused (property)', () => {
    fc.assert(fc.property(fc.double({ noNaN: false }), (percent) => {
      const ok = Number.isFinite(percent) && percent > 0 && percent <= 100;
      const attempt = () => make({ trail: TRAIL, max5xxPercent: percent });
      if (ok) expect(attempt).not.toThrow();
      else expect(attempt).toThrow(/GuardrailThreshold|max5xxPercent/);
    }), { numRuns: 25 });
    fc.assert(fc.property(fc.integer({ min: -5, max: 1100 }), (hosts) => {
      const attempt = () => make({ trail: TRAIL, minHealthyHosts: hosts });
      if (hosts >= 1 && hosts <= 1000) expect(attempt).not.toThrow();
      else expect(attempt).toThrow(/`minHealthyHosts` must be a whole number from 1 to 1000/);
    }), { numRuns: 25 });
  });

  test('a topic without encryption, in the app or imported without its key, is refused', () => {
    const stack = testStack();
    expect(() => make({ topic: new sns.Topic(stack, 'Plain') }, stack)).toThrow(/the alert topic is not KMS-encrypted\. Got: Test\/Plain\. Fix: create it with `masterKey: key`/);
    const other = testStack(testApp(), 'Imported');
    expect(() => make({ topic: sns.Topic.fromTopicArn(other, 'T', 'arn:aws:sns:eu-west-1:111111111111:ops') }, other))
      .toThrow(/imported without its KMS key.*Fix: import it with sns\.Topic\.fromTopicAttributes/);
  });

  test('a cluster name only known at deploy time, guardrails added twice, drift detection outside the cluster\'s stack', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const cluster = new SafeCluster(stack, 'Cluster', { clusterName: 'twice', version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0 });
    cluster.addGuardrails({ trail: TRAIL });
    expect(() => cluster.addGuardrails({ trail: TRAIL })).toThrow(/Test\/Cluster: this cluster already has guardrails\..*Fix: call addGuardrails once/);
    const token = SafeCluster.fromSafeClusterAttributes(stack, 'Token', {
      clusterName: new CfnParameter(stack, 'ClusterName').valueAsString, vpc,
      nodeSecurityGroupId: 'sg-0123456789abcdef0', controlPlaneSecurityGroupId: 'sg-0123456789abcdef1',
    });
    expect(() => new ClusterGuardrails(stack, 'ByToken', { cluster: token, trail: TRAIL, clusterSecurityGroupId: 'sg-0123456789abcdef2' }))
      .toThrow(/the guardrail alarms are named after the cluster, so its name must be known at synth\. Got: a token\./);
    const elsewhere = testStack(testApp(), 'Elsewhere');
    expect(() => new ClusterGuardrails(elsewhere, 'Drift', { cluster, trail: TRAIL, stackDriftDetection: true }))
      .toThrow(/stack drift detection watches the stack the guardrail is in.*Fix: create the guardrails in the cluster's stack/s);
  });

  test('GuardrailTrail.organizationTrail needs a statement that says which trail', () => {
    expect(() => GuardrailTrail.organizationTrail('yes')).toThrow(/GuardrailTrail\.organizationTrail: the statement must say which trail logs the management events\. Got: "yes"/);
    expect(() => GuardrailTrail.organizationTrail(undefined as unknown as string)).toThrow(/`statement` is required/);
    expect(() => GuardrailTrail.fromTrail({} as cloudtrail.Trail)).toThrow(/`trail` must be a cloudtrail\.Trail/);
  });
});
