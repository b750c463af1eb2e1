import * as fs from 'fs';
import * as path from 'path';
import {
  CloudFormationClient, CreateChangeSetCommand, DeleteChangeSetCommand, DescribeChangeSetCommand, DescribeStackEventsCommand, DescribeStacksCommand,
  ExecuteChangeSetCommand, GetTemplateCommand, ListStackResourcesCommand, ResourceStatus, StackEvent, StackResourceSummary, StackStatus,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, StateValue } from '@aws-sdk/client-cloudwatch';
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, ListAddonsCommand, ListInsightsCommand, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { ExitCode } from '../../../lib/cli/program';
import { runLive } from './support/run';
import { SHIFTED_TRAFFIC, shiftAssembly } from './support/shift-assembly';

const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const cloudwatch = mockClient(CloudWatchClient);

const CLUSTER = 'payments-green-1-35';
const TG_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/payments-green/0123456789abcdef';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Payments-Traffic/5b3d0f20-d4a1-11ef-9b0a-0a1b2c3d4e5f';
const CHANGE_SET_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:changeSet/cdk-safe-eks-pair-shift-1/0d6c2b5e-1f7a-4d0e-9b55-3c1f0e2d9a88';
const KINDS = ['healthy-hosts', 'unhealthy-hosts', 'target-5xx', 'p99-response-time', 'changes'];
const alarmArn = (kind: string) => `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:cdk-safe-eks-${CLUSTER}-${kind}`;
const error = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client' });

const GREEN = { Resources: { Cluster: { Type: 'AWS::EKS::Cluster', Properties: { Name: CLUSTER } }, Targets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} } } };

const setup = () => shiftAssembly(GREEN);

const alarms = (state: (kind: string) => StateValue) => KINDS.map((kind) => ({
  AlarmName: `cdk-safe-eks-${CLUSTER}-${kind}`, AlarmArn: alarmArn(kind), StateValue: state(kind), Threshold: kind === 'healthy-hosts' ? 2 : 1,
  StateUpdatedTimestamp: new Date(), Dimensions: kind === 'healthy-hosts' ? [{ Name: 'TargetGroup', Value: 'targetgroup/payments-green/0123456789abcdef' }] : [],
}));

/** What the account answers for a healthy Green, and a change set that CloudFormation creates and executes. */
function healthyAccount(): void {
  const resource = (LogicalResourceId: string, PhysicalResourceId: string, ResourceType: string): StackResourceSummary => ({ LogicalResourceId, PhysicalResourceId, ResourceType, ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-12-01T10:00:00Z') });
  cfn.on(ListStackResourcesCommand, { StackName: 'Payments-Green' }).resolves({
    StackResourceSummaries: [resource('Cluster', CLUSTER, 'AWS::EKS::Cluster'), resource('Targets', TG_ARN, 'AWS::ElasticLoadBalancingV2::TargetGroup')],
  });
  cfn.on(ListStackResourcesCommand, { StackName: 'Payments-Traffic' }).resolves({ StackResourceSummaries: [resource('Listener', 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/payments/1/2', 'AWS::ElasticLoadBalancingV2::Listener')] });
  cfn.on(GetTemplateCommand, { StackName: 'Payments-Green' }).resolves({ TemplateBody: JSON.stringify(GREEN) });
  cfn.on(GetTemplateCommand, { StackName: 'Payments-Traffic' }).resolves({ TemplateBody: JSON.stringify({ ...SHIFTED_TRAFFIC, Metadata: { 'cdk-safe-eks:pair-weights': { pair: 'Payments', weights: { Blue: 100, Green: 0 } } } }) });
  eks.on(DescribeClusterCommand, { name: CLUSTER }).resolves({ cluster: { name: CLUSTER, status: 'ACTIVE', version: '1.35', resourcesVpcConfig: { clusterSecurityGroupId: 'sg-0eks' }, health: { issues: [] } } });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
  eks.on(ListAddonsCommand).resolves({ addons: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [] });
  elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_ARN }).resolves({
    TargetHealthDescriptions: [{ Target: { Id: '10.0.1.5', Port: 8080 }, TargetHealth: { State: 'healthy' } }, { Target: { Id: '10.0.2.5', Port: 8080 }, TargetHealth: { State: 'healthy' } }],
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: alarms(() => 'OK') });
  cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
  cfn.on(DescribeChangeSetCommand).resolvesOnce({ ChangeSetId: CHANGE_SET_ID, StackName: 'Payments-Traffic', Status: 'CREATE_IN_PROGRESS', ExecutionStatus: 'UNAVAILABLE' })
    .resolves({ ChangeSetId: CHANGE_SET_ID, StackName: 'Payments-Traffic', Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  const stack = (StackStatus: StackStatus) => ({ Stacks: [{ StackId: STACK_ID, StackName: 'Payments-Traffic', StackStatus, CreationTime: new Date('2026-12-01T10:00:00Z') }] });
  cfn.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_IN_PROGRESS')).resolvesOnce(stack('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).resolves(stack('UPDATE_COMPLETE'));
}


const shift = (assembly: string, state: string, ...more: string[]) => runLive('pair', 'shift', '--pair', 'Payments', '--assembly', assembly, '--state-file', state, '--no-assume-role', ...more);
const weights = (state: string) => {
  const pair = JSON.parse(fs.readFileSync(state, 'utf8')).pairs.Payments;
  return { blue: pair.blue.weight, green: pair.green.weight };
};

beforeEach(() => {
  for (const mock of [cfn, ec2, eks, elb, cloudwatch]) mock.reset();
  healthyAccount();
});

describe('pair shift online', () => {
  test('checks Green, sends the change set with Green\'s alarms as rollback triggers, waits for it, executes it, waits for the stack, records the weights', async () => {
    const { assembly, state } = setup();
    const result = await shift(assembly, state, '--bake-minutes', '20');
    expect(result.err).toBe('');
    expect(result.code).toBe(ExitCode.OK);
    expect(result.out).toBe(`Shifted Payments: blue 100 -> 90, green 0 -> 10; no alarm fired in 20 minutes. Recorded the new weights in ${state}.\n`);
    expect(weights(state)).toEqual({ blue: 90, green: 10 });
    const [request] = cfn.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input);
    expect(request).toMatchObject({
      StackName: 'Payments-Traffic', ChangeSetType: 'UPDATE', TemplateBody: fs.readFileSync(path.join(assembly, 'Payments-Traffic.template.json'), 'utf8'),
      RoleARN: 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
      RollbackConfiguration: { MonitoringTimeInMinutes: 20, RollbackTriggers: KINDS.map((kind) => ({ Arn: alarmArn(kind), Type: 'AWS::CloudWatch::Alarm' })) },
    });
    // The change set is described by the ID CreateChangeSet returned, and executed once it is CREATE_COMPLETE.
    expect(cfn.commandCalls(DescribeChangeSetCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'Payments-Traffic', ChangeSetName: CHANGE_SET_ID }, { StackName: 'Payments-Traffic', ChangeSetName: CHANGE_SET_ID }]);
    expect(cfn.commandCalls(ExecuteChangeSetCommand).map((c) => c.args[0].input)).toEqual([{ StackName: 'Payments-Traffic', ChangeSetName: CHANGE_SET_ID }]);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(3);
    // The gate read Green's alarms by their fixed names (the no-go test shows it comes first).
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input.AlarmNames).toEqual(KINDS.map((kind) => `cdk-safe-eks-${CLUSTER}-${kind}`));
  });

  test('a rollback exits 1 naming the alarm from the stack\'s events (over two pages), and leaves the state file as it was', async () => {
    const { assembly, state } = setup();
    const before = fs.readFileSync(state, 'utf8');
    const stack = (StackStatus: StackStatus) => ({ Stacks: [{ StackId: STACK_ID, StackName: 'Payments-Traffic', StackStatus, CreationTime: new Date('2026-12-01T10:00:00Z') }] });
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_IN_PROGRESS')).resolvesOnce(stack('UPDATE_ROLLBACK_IN_PROGRESS')).resolves(stack('UPDATE_ROLLBACK_COMPLETE'));
    const event = (ResourceStatus: ResourceStatus, ResourceStatusReason?: string): StackEvent => ({
      StackId: STACK_ID, EventId: `e-${ResourceStatus}`, StackName: 'Payments-Traffic', LogicalResourceId: 'Payments-Traffic', ResourceType: 'AWS::CloudFormation::Stack',
      Timestamp: new Date(), ResourceStatus, ...(ResourceStatusReason === undefined ? {} : { ResourceStatusReason }),
    });
    cfn.on(DescribeStackEventsCommand, { StackName: 'Payments-Traffic', NextToken: undefined }).resolves({ StackEvents: [event('UPDATE_ROLLBACK_COMPLETE'), event('UPDATE_COMPLETE')], NextToken: 'events-2' });
    cfn.on(DescribeStackEventsCommand, { StackName: 'Payments-Traffic', NextToken: 'events-2' }).resolves({
      StackEvents: [event('UPDATE_ROLLBACK_IN_PROGRESS', `The following rollback trigger(s) fired: ${alarmArn('target-5xx')}`), event('UPDATE_IN_PROGRESS', 'User Initiated')],
    });
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(result.out).toBe(`Rolled back: alarm ${alarmArn('target-5xx')} fired (The following rollback trigger(s) fired: ${alarmArn('target-5xx')}); `
      + 'the weights are still blue 100, green 0, and the state file is unchanged.\n');
    expect(fs.readFileSync(state, 'utf8')).toBe(before);
  });

  test('a rollback whose events name no trigger names the alarm of the color that is in ALARM', async () => {
    const { assembly, state } = setup();
    const stack = (StackStatus: StackStatus) => ({ Stacks: [{ StackId: STACK_ID, StackName: 'Payments-Traffic', StackStatus, CreationTime: new Date('2026-12-01T10:00:00Z') }] });
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_ROLLBACK_IN_PROGRESS')).resolves(stack('UPDATE_ROLLBACK_COMPLETE'));
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [{ StackId: STACK_ID, EventId: 'e1', StackName: 'Payments-Traffic', Timestamp: new Date(), ResourceStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', ResourceStatusReason: 'Rollback triggered' }] });
    // OK at the gate, in ALARM once the weight moved.
    cloudwatch.on(DescribeAlarmsCommand).resolvesOnce({ MetricAlarms: alarms(() => 'OK') }).resolves({ MetricAlarms: alarms((kind) => (kind === 'p99-response-time' ? 'ALARM' : 'OK')) });
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(result.out).toBe(`Rolled back: alarm ${alarmArn('p99-response-time')} fired (Rollback triggered); the weights are still blue 100, green 0, and the state file is unchanged.\n`);
  });

  test('no-go: an alarm of Green in ALARM refuses the shift before any change set, exit 1 with the table', async () => {
    const { assembly, state } = setup();
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: alarms((kind) => (kind === 'unhealthy-hosts' ? 'ALARM' : 'OK')) });
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(result.out).toMatch(/^NO-GO: green\n/);
    expect(result.out).toMatch(new RegExp(`FAIL {2}alarm cdk-safe-eks-${CLUSTER}-unhealthy-hosts +ALARM`));
    expect(result.out).toContain('Refused: green is not fit to take traffic; nothing was deployed.\n');
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    expect(weights(state)).toEqual({ blue: 100, green: 0 });
  });

  test('AccessDenied on CreateChangeSet is exit 2 naming the action', async () => {
    const { assembly, state } = setup();
    cfn.on(CreateChangeSetCommand).rejects(error('AccessDenied', 'User: arn:aws:sts::111111111111:assumed-role/ci/x is not authorized to perform: cloudformation:CreateChangeSet on resource: Payments-Traffic'));
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('cdk-safe-eks: stack Payments-Traffic: AccessDenied: the credentials may not call cloudformation:CreateChangeSet.');
    expect(result.err).toContain('Fix: allow cloudformation:CreateChangeSet to the role');
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  test('CreateChangeSet denied for the iam:PassRole of its execution role names iam:PassRole', async () => {
    const { assembly, state } = setup();
    cfn.on(CreateChangeSetCommand).rejects(error('AccessDenied', 'User: arn:aws:sts::111111111111:assumed-role/ci/x is not authorized to perform: iam:PassRole on resource: '
      + 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1'));
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('stack Payments-Traffic: AccessDenied: the credentials may not call iam:PassRole.');
    expect(result.err).toContain('Fix: allow iam:PassRole to the role');
  });

  test('a throttled CreateChangeSet is retried with backoff, and the shift goes on', async () => {
    const { assembly, state } = setup();
    cfn.on(CreateChangeSetCommand).rejectsOnce(error('Throttling', 'Rate exceeded')).rejectsOnce(error('Throttling', 'Rate exceeded')).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.OK);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(3);
    expect(result.slept.slice(0, 2)).toEqual([400, 800]);
  });

  test('a Traffic stack that does not exist is exit 2, saying so', async () => {
    const { assembly, state } = setup();
    cfn.on(ListStackResourcesCommand, { StackName: 'Payments-Traffic' }).rejects(error('ValidationError', 'Stack with id Payments-Traffic does not exist'));
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('stack Payments-Traffic: the stack does not exist in this account and region.');
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  test('a change set without changes is deleted, and nothing is recorded', async () => {
    const { assembly, state } = setup();
    cfn.on(DescribeChangeSetCommand).resolves({ ChangeSetId: CHANGE_SET_ID, Status: 'FAILED', StatusReason: 'The submitted information didn\'t contain changes. Submit different information to create a change set.' });
    cfn.on(DeleteChangeSetCommand).resolves({});
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.OK);
    expect(result.out).toBe('Nothing to shift: the deployed Payments-Traffic is already the template of the assembly.\n');
    expect(cfn.commandCalls(DeleteChangeSetCommand).map((c) => c.args[0].input)).toEqual([{ StackName: 'Payments-Traffic', ChangeSetName: CHANGE_SET_ID }]);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(weights(state)).toEqual({ blue: 100, green: 0 });
  });

  test('a change set CloudFormation cannot create is exit 2 with its reason', async () => {
    const { assembly, state } = setup();
    cfn.on(DescribeChangeSetCommand).resolves({ ChangeSetId: CHANGE_SET_ID, Status: 'FAILED', StatusReason: 'Template format error: Unresolved resource dependencies [Targets] in the Resources block of the template' });
    const result = await shift(assembly, state);
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('stack Payments-Traffic: CloudFormation could not create the change set of the shift.');
    expect(result.err).toContain('Got: Template format error: Unresolved resource dependencies [Targets]');
  });
});
