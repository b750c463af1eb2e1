import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand, SetStackPolicyCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand, DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, ListAddonsCommand, ListInsightsCommand, ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { ExitCode } from '../../../lib/cli/program';
import { readSnapshot } from '../src/snapshot';
import { runLive } from './support/run';

const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const cloudwatch = mockClient(CloudWatchClient);

const TEMPLATE = {
  Resources: {
    Cluster: { Type: 'AWS::EKS::Cluster', Properties: { Name: 'payments-blue-1-34' } },
    NodeGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: 'vpc-1', GroupDescription: 'nodes', SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] } },
    Targets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
  },
};
const TG_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/payments-blue/0123456789abcdef';
const error = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client' });

/** A one-stack assembly whose manifest names the roles `cdk deploy` assumes. */
function assembly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-account-'));
  fs.writeFileSync(path.join(dir, 'Payments-Blue.template.json'), JSON.stringify(TEMPLATE));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '48.0.0',
    artifacts: {
      'Payments-Blue': {
        type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1',
        properties: {
          templateFile: 'Payments-Blue.template.json',
          assumeRoleArn: 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-${AWS::Region}',
          lookupRole: { arn: 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-${AWS::Region}' },
        },
      },
    },
  }));
  return dir;
}

/** The documented answers of each call, the stack resources and the rules over two pages each. */
function deployedAccount(): void {
  cfn.on(ListStackResourcesCommand, { StackName: 'Payments-Blue', NextToken: undefined }).resolves({
    StackResourceSummaries: [{ LogicalResourceId: 'Cluster', PhysicalResourceId: 'payments-blue-1-34', ResourceType: 'AWS::EKS::Cluster', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') }],
    NextToken: 'page-2',
  });
  cfn.on(ListStackResourcesCommand, { StackName: 'Payments-Blue', NextToken: 'page-2' }).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: 'NodeGroup', PhysicalResourceId: 'sg-0nodes', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') },
      { LogicalResourceId: 'Targets', PhysicalResourceId: TG_ARN, ResourceType: 'AWS::ElasticLoadBalancingV2::TargetGroup', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') },
    ],
  });
  cfn.on(GetTemplateCommand, { StackName: 'Payments-Blue', TemplateStage: 'Original' }).resolves({ TemplateBody: JSON.stringify(TEMPLATE), StagesAvailable: ['Original', 'Processed'] });
  eks.on(DescribeClusterCommand, { name: 'payments-blue-1-34' }).resolves({
    cluster: { name: 'payments-blue-1-34', status: 'ACTIVE', version: '1.34', resourcesVpcConfig: { clusterSecurityGroupId: 'sg-0eks', securityGroupIds: [] }, health: { issues: [] } },
  });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['workers'] });
  eks.on(DescribeNodegroupCommand).resolves({ nodegroup: { nodegroupName: 'workers', status: 'ACTIVE', health: { issues: [] } } });
  eks.on(ListAddonsCommand).resolves({ addons: [] });
  eks.on(DescribeAddonCommand).rejects(error('ResourceNotFoundException', 'no add-on'));
  eks.on(ListInsightsCommand, { clusterName: 'payments-blue-1-34', nextToken: undefined }).resolves({ insights: [{ id: 'i-1', name: 'Deprecated APIs', insightStatus: { status: 'PASSING' } }], nextToken: 'n2' });
  eks.on(ListInsightsCommand, { clusterName: 'payments-blue-1-34', nextToken: 'n2' }).resolves({ insights: [{ id: 'i-2', name: 'Kubelet skew', insightStatus: { status: 'PASSING' } }] });
  elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_ARN }).resolves({
    TargetHealthDescriptions: [{ Target: { Id: '10.0.1.5', Port: 8080 }, TargetHealth: { State: 'healthy' } }, { Target: { Id: '10.0.2.5', Port: 8080 }, TargetHealth: { State: 'healthy' } }],
  });
  ec2.on(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-0nodes', 'sg-0eks'] }], NextToken: undefined }).resolves({
    SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0out', GroupId: 'sg-0nodes', GroupOwnerId: '111111111111', IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }],
    NextToken: 'rules-2',
  });
  ec2.on(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-0nodes', 'sg-0eks'] }], NextToken: 'rules-2' }).resolves({
    SecurityGroupRules: [
      { SecurityGroupRuleId: 'sgr-0self', GroupId: 'sg-0eks', IsEgress: false, IpProtocol: '-1', FromPort: -1, ToPort: -1, ReferencedGroupInfo: { GroupId: 'sg-0eks', UserId: '111111111111' } },
      { SecurityGroupRuleId: 'sgr-0eksout', GroupId: 'sg-0eks', IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' },
    ],
  });
}


beforeEach(() => {
  for (const mock of [cfn, ec2, eks, elb, cloudwatch]) mock.reset();
  deployedAccount();
});

describe('live snapshot', () => {
  test('writes every file in the AWS CLI\'s shapes, following every NextToken; a cluster without add-ons gets an empty folder', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-snap-')), 'snap');
    const result = await runLive('live', 'snapshot', assembly(), '--out', out, '--no-assume-role');
    expect(result.err).toBe('');
    expect(result.code).toBe(ExitCode.OK);
    const json = (f: string) => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8'));
    expect(json('stack-resources/Payments-Blue.json').StackResources.map((r: { LogicalResourceId: string }) => r.LogicalResourceId)).toEqual(['Cluster', 'NodeGroup', 'Targets']);
    expect(json('stack-resources/Payments-Blue.json').StackResources[0]).toEqual({
      StackName: 'Payments-Blue', LogicalResourceId: 'Cluster', PhysicalResourceId: 'payments-blue-1-34', ResourceType: 'AWS::EKS::Cluster', ResourceStatus: 'CREATE_COMPLETE', Timestamp: '2026-12-01T10:00:00.000Z',
    });
    expect(json('templates/Payments-Blue.json')).toEqual({ TemplateBody: TEMPLATE });
    expect(json('security-group-rules.json').SecurityGroupRules.map((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId)).toEqual(['sgr-0out', 'sgr-0self', 'sgr-0eksout']);
    expect(json('clusters/payments-blue-1-34.json').cluster.resourcesVpcConfig.clusterSecurityGroupId).toBe('sg-0eks');
    expect(json('nodegroups/payments-blue-1-34/workers.json').nodegroup.status).toBe('ACTIVE');
    expect(fs.readdirSync(path.join(out, 'addons', 'payments-blue-1-34'))).toEqual([]);
    expect(json('insights/payments-blue-1-34.json').insights.map((i: { id: string }) => i.id)).toEqual(['i-1', 'i-2']);
    expect(json('target-health/Payments-Blue.Targets.json').TargetHealthDescriptions).toHaveLength(2);
    // What was written reads back as the offline commands read it.
    expect(readSnapshot(out).clusters.get('payments-blue-1-34')?.cluster.status).toBe('ACTIVE');
  });

  test('a throttled call is retried with backoff, and succeeds', async () => {
    cfn.on(GetTemplateCommand).rejectsOnce(error('Throttling', 'Rate exceeded')).resolves({ TemplateBody: JSON.stringify(TEMPLATE) });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-snap-')), 'snap');
    const result = await runLive('live', 'snapshot', assembly(), '--out', out, '--no-assume-role');
    expect(result.code).toBe(ExitCode.OK);
    expect(cfn.commandCalls(GetTemplateCommand)).toHaveLength(2);
  });

  test('AccessDenied is exit 2 naming the missing action', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(error('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const result = await runLive('verify', assembly(), '--live', '--no-assume-role');
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toBe('cdk-safe-eks: security groups of stack Payments-Blue: AccessDenied: the credentials may not call ec2:DescribeSecurityGroupRules. '
      + 'Got: You are not authorized to perform this operation. Fix: allow ec2:DescribeSecurityGroupRules to the role (each command\'s policy is in docs/live.md#permissions)\n');
  });

  test('a nested stack is read with its parent\'s roles under its own name; its rules, given the parent\'s group as a parameter, are compared with the account', async () => {
    const NESTED_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Payments-Blue-DataNestedStackDataNestedStackResource1A2B3C4D-1QWERTY/5b3d0f20-d4a1-11ef-9b0a-0a1b2c3d4e5f';
    const NESTED = 'Payments-Blue-DataNestedStackDataNestedStackResource1A2B3C4D-1QWERTY';
    const parent = { Resources: { ...TEMPLATE.Resources, Data: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://s3.eu-west-1.amazonaws.com/b/data.json', Parameters: { NodeGroupId: { 'Fn::GetAtt': ['NodeGroup', 'GroupId'] } } } } } };
    const nested = { Parameters: { NodeGroupId: { Type: 'String' } }, Resources: {
      StoreSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: 'vpc-1', GroupDescription: 'store', SecurityGroupEgress: [{ IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32' }] } },
      StoreIn: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['StoreSg', 'GroupId'] }, SourceSecurityGroupId: { Ref: 'NodeGroupId' }, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 } },
    } };
    cfn.on(GetTemplateCommand, { StackName: 'Payments-Blue', TemplateStage: 'Original' }).resolves({ TemplateBody: JSON.stringify(parent) });
    cfn.on(ListStackResourcesCommand, { StackName: 'Payments-Blue', NextToken: 'page-2' }).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'NodeGroup', PhysicalResourceId: 'sg-0nodes', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') },
        { LogicalResourceId: 'Targets', PhysicalResourceId: TG_ARN, ResourceType: 'AWS::ElasticLoadBalancingV2::TargetGroup', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') },
        { LogicalResourceId: 'Data', PhysicalResourceId: NESTED_ID, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') },
      ],
    });
    cfn.on(ListStackResourcesCommand, { StackName: NESTED }).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'StoreSg', PhysicalResourceId: 'sg-0store', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') },
        { LogicalResourceId: 'StoreIn', PhysicalResourceId: 'sgr-0storein', ResourceType: 'AWS::EC2::SecurityGroupIngress', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') },
      ],
    });
    cfn.on(GetTemplateCommand, { StackName: NESTED, TemplateStage: 'Original' }).resolves({ TemplateBody: JSON.stringify(nested) });
    ec2.on(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-0store'] }], NextToken: undefined }).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-0storein', GroupId: 'sg-0store', IsEgress: false, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: { GroupId: 'sg-0nodes' } },
        { SecurityGroupRuleId: 'sgr-0storeout', GroupId: 'sg-0store', IsEgress: true, IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIpv4: '255.255.255.255/32' },
      ],
    });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-snap-')), 'snap');
    expect((await runLive('live', 'snapshot', assembly(), '--out', out, '--no-assume-role')).code).toBe(ExitCode.OK);
    expect(fs.readdirSync(path.join(out, 'stack-resources')).sort()).toEqual([`${NESTED}.json`, 'Payments-Blue.json']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'templates', `${NESTED}.json`), 'utf8')).TemplateBody).toEqual(nested);
    const verified = await runLive('verify', assembly(), '--live', out, '--json');
    // The one-resource cluster of this account cannot be proven (exit 3), but nothing drifted.
    expect(verified.code).toBe(ExitCode.UNPROVEN);
    expect(JSON.parse(verified.out).drift).toEqual([]);
    // The rule gone from the account is named through the nested stack.
    fs.writeFileSync(path.join(out, 'security-group-rules.json'), JSON.stringify({ SecurityGroupRules: JSON.parse(fs.readFileSync(path.join(out, 'security-group-rules.json'), 'utf8')).SecurityGroupRules
      .filter((r: { SecurityGroupRuleId: string }) => r.SecurityGroupRuleId !== 'sgr-0storein') }));
    const drifted = await runLive('verify', assembly(), '--live', out, '--json');
    expect(drifted.code).toBe(ExitCode.FLOWS_FAIL);
    expect(JSON.parse(drifted.out).drift).toEqual([{ kind: 'missing', group: `${NESTED}/StoreSg`, rule: `${NESTED}/StoreIn (sgr-0storein)`, detail: 'ingress tcp 5432-5432 sg-0nodes' }]);
  });

  test('a stack that does not exist is exit 2, saying so', async () => {
    cfn.on(ListStackResourcesCommand).rejects(error('ValidationError', 'Stack with id Payments-Blue does not exist'));
    const result = await runLive('verify', assembly(), '--live', '--no-assume-role');
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('stack Payments-Blue: the stack does not exist in this account and region.');
  });
});

describe('verify --live online and lock online', () => {
  test('the account\'s live rules prove the flows of the stack it reads; an EKS-created group with a rule beyond its defaults is drift', async () => {
    const ok = await runLive('verify', assembly(), '--live', '--no-assume-role', '--json');
    expect(JSON.parse(ok.out).drift).toEqual([]);
    ec2.on(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-0nodes', 'sg-0eks'] }], NextToken: 'rules-2' }).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0extra', GroupId: 'sg-0eks', IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ReferencedGroupInfo: { GroupId: 'sg-0nodes' } }],
    });
    const drifted = await runLive('verify', assembly(), '--live', '--no-assume-role', '--json');
    expect(drifted.code).toBe(ExitCode.FLOWS_FAIL);
    expect(JSON.parse(drifted.out).drift).toEqual([{ kind: 'eks-created', group: 'sg-0eks (EKS-created group of Payments-Blue/Cluster)', rule: 'sgr-0extra', detail: 'ingress tcp 443-443 sg-0nodes' }]);
  });

  test('lock sets each stack\'s policy with SetStackPolicy', async () => {
    cfn.on(SetStackPolicyCommand).resolves({});
    const result = await runLive('lock', assembly(), '--no-assume-role');
    expect(result.code).toBe(ExitCode.OK);
    expect(result.out).toBe('Payments-Blue: denies Update:Replace and Update:Delete on 2 resources: Cluster, NodeGroup\n');
    const body = JSON.parse(cfn.commandCalls(SetStackPolicyCommand)[0].args[0].input.StackPolicyBody!);
    expect(body.Statement[1]).toEqual({ Effect: 'Deny', Action: ['Update:Replace', 'Update:Delete'], Principal: '*', Resource: ['LogicalResourceId/Cluster', 'LogicalResourceId/NodeGroup'] });
  });
});

describe('pair check', () => {
  const stateFile = () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-state-')), 'state.json');
    fs.writeFileSync(file, JSON.stringify({ formatVersion: 1, pairs: { Payments: { upgradeStrategy: 'blue-green', blue: { version: '1.34', weight: 100, clusterName: 'payments-blue-1-34', fingerprint: 'x', deletionProtection: true } } } }));
    return file;
  };
  const alarms = (state: (kind: string) => 'OK' | 'ALARM' | 'INSUFFICIENT_DATA') => ['healthy-hosts', 'unhealthy-hosts', 'target-5xx', 'p99-response-time', 'changes'].map((kind) => ({
    AlarmName: `cdk-safe-eks-payments-blue-1-34-${kind}`, StateValue: state(kind), Threshold: kind === 'healthy-hosts' ? 2 : 1,
    Dimensions: kind === 'healthy-hosts' ? [{ Name: 'TargetGroup', Value: 'targetgroup/payments-blue/0123456789abcdef' }] : [],
  }));

  test('go: every alarm OK, everything ACTIVE, two healthy targets of a minimum of two', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: alarms(() => 'OK') });
    const result = await runLive('pair', 'check', '--pair', 'Payments', '--color', 'blue', '--assembly', assembly(), '--state-file', stateFile(), '--no-assume-role');
    expect(result.err).toBe('');
    expect(result.out).toMatch(/^GO: blue\n/);
    expect(result.out).toMatch(/ok {4}target group Payments-Blue.Targets +2 healthy \(minimum 2\), 0 unhealthy/);
    expect(result.code).toBe(ExitCode.OK);
  });

  test('no-go: an alarm without data and an unhealthy target, in a table', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: alarms((kind) => (kind === 'target-5xx' ? 'INSUFFICIENT_DATA' : 'OK')) });
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: '10.0.1.5' }, TargetHealth: { State: 'healthy' } }, { Target: { Id: '10.0.2.5' }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks' } }] });
    const result = await runLive('pair', 'check', '--pair', 'Payments', '--color', 'blue', '--assembly', assembly(), '--state-file', stateFile(), '--no-assume-role');
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(result.out).toMatch(/^NO-GO: blue\n/);
    expect(result.out).toMatch(/FAIL {2}alarm cdk-safe-eks-payments-blue-1-34-target-5xx +INSUFFICIENT_DATA/);
    expect(result.out).toMatch(/FAIL {2}target group Payments-Blue.Targets +1 healthy \(minimum 2\), 1 unhealthy/);
  });

  test('offline from a snapshot directory (with alarms.json), and exit 2 for a color never recorded', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: alarms(() => 'OK') });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-snap-')), 'snap');
    const dir = assembly();
    await runLive('live', 'snapshot', dir, '--out', out, '--no-assume-role');
    fs.writeFileSync(path.join(out, 'alarms.json'), JSON.stringify({ MetricAlarms: alarms(() => 'ALARM') }));
    const offline = await runLive('pair', 'check', '--pair', 'Payments', '--color', 'blue', '--from', out, '--state-file', stateFile());
    expect(offline.code).toBe(ExitCode.FLOWS_FAIL);
    expect(offline.out).toContain('FAIL  alarm cdk-safe-eks-payments-blue-1-34-healthy-hosts');
    const unknown = await runLive('pair', 'check', '--pair', 'Payments', '--color', 'green', '--from', out, '--state-file', stateFile());
    expect(unknown.code).toBe(ExitCode.UNUSABLE);
    expect(unknown.err).toContain('pair Payments has no recorded color green.');
  });
});
