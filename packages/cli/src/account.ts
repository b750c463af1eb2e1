import { CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand, SetStackPolicyCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand, DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, ListAddonsCommand, ListInsightsCommand, ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { call, CallOptions, paginate } from './aws-calls';
import { DeployedStack, partitionOf, substituteRole } from './assembly-stacks';
import { LiveError } from './errors';
import { nestedStackName } from './live-rules';
import { emptySnapshot, MetricAlarm, SecurityGroupRule, Snapshot, StackResource } from './snapshot';

export interface AccountOptions extends CallOptions {
  /** Assume the deploy and lookup roles the manifest names (as `cdk deploy` does); false uses the default credential chain as it is. */
  readonly assumeRoles: boolean;
}

export interface Location { readonly account: string; readonly region: string; readonly partition: string }
type Credentials = ReturnType<typeof fromTemporaryCredentials> | undefined;
/** `describe-security-group-rules` accepts at most 200 values per filter. */
const GROUPS_PER_CALL = 200;

/**
 * The account the assembly's stacks are deployed in, read through the AWS SDK for JavaScript v3 into
 * the same shapes `readSnapshot` reads from files. CloudFormation is called with each stack's deploy
 * role, everything else with its lookup role (read-only), as the CDK CLI does.
 */
export class Account {
  private callerAccount?: Promise<string>;

  constructor(private readonly options: AccountOptions) {}

  /** Every file of `live snapshot` for `stacks`. */
  public async snapshot(stacks: readonly DeployedStack[]): Promise<Snapshot> {
    const snapshot = emptySnapshot();
    // A nested stack is read like its parent (same account, region and roles), under its own stack name.
    const queue = [...stacks];
    for (let stack = queue.shift(); stack !== undefined; stack = queue.shift()) {
      const cfn = new CloudFormationClient(await this.config(stack, 'deploy'));
      const lookup = await this.config(stack, 'lookup');
      const resources = await paginate(
        'cloudformation:ListStackResources', `stack ${stack.stackName}`,
        (NextToken) => cfn.send(new ListStackResourcesCommand({ StackName: stack.stackName, NextToken })),
        (page) => page.StackResourceSummaries, (page) => page.NextToken, this.options);
      const stackResources: StackResource[] = plain(resources.map((r) => ({
        StackName: stack.stackName, LogicalResourceId: r.LogicalResourceId!, PhysicalResourceId: r.PhysicalResourceId,
        ResourceType: r.ResourceType!, ResourceStatus: r.ResourceStatus, Timestamp: r.LastUpdatedTimestamp,
      })));
      snapshot.stackResources.set(stack.stackName, { StackResources: stackResources });
      for (const nested of stackResources.filter((r) => r.ResourceType === 'AWS::CloudFormation::Stack' && r.PhysicalResourceId !== undefined)) {
        queue.push({ ...stack, id: `${stack.id}/${nested.LogicalResourceId}`, stackName: nestedStackName(nested.PhysicalResourceId!) });
      }
      snapshot.templates.set(stack.stackName, { TemplateBody: await this.deployedTemplate(stack, cfn) });

      const physical = (type: string) => stackResources.filter((r) => r.ResourceType === type && r.PhysicalResourceId !== undefined);
      const groups = physical('AWS::EC2::SecurityGroup').map((r) => r.PhysicalResourceId!);
      const eks = new EKSClient(lookup);
      for (const cluster of physical('AWS::EKS::Cluster').map((r) => r.PhysicalResourceId!)) {
        const described = await call('eks:DescribeCluster', `cluster ${cluster}`, () => eks.send(new DescribeClusterCommand({ name: cluster })), this.options);
        snapshot.clusters.set(cluster, plain({ cluster: described.cluster! }));
        const clusterGroup = described.cluster?.resourcesVpcConfig?.clusterSecurityGroupId;
        if (clusterGroup !== undefined) groups.push(clusterGroup);
        snapshot.nodegroups.set(cluster, new Map());
        snapshot.addons.set(cluster, new Map());
        const nodegroups = await paginate('eks:ListNodegroups', `cluster ${cluster}`,
          (nextToken) => eks.send(new ListNodegroupsCommand({ clusterName: cluster, nextToken })), (p) => p.nodegroups, (p) => p.nextToken, this.options);
        for (const nodegroupName of nodegroups) {
          const answer = await call('eks:DescribeNodegroup', `node group ${cluster}/${nodegroupName}`,
            () => eks.send(new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName })), this.options);
          snapshot.nodegroups.get(cluster)!.set(nodegroupName, plain({ nodegroup: answer.nodegroup! }));
        }
        const addons = await paginate('eks:ListAddons', `cluster ${cluster}`,
          (nextToken) => eks.send(new ListAddonsCommand({ clusterName: cluster, nextToken })), (p) => p.addons, (p) => p.nextToken, this.options);
        for (const addonName of addons) {
          const answer = await call('eks:DescribeAddon', `add-on ${cluster}/${addonName}`,
            () => eks.send(new DescribeAddonCommand({ clusterName: cluster, addonName })), this.options);
          snapshot.addons.get(cluster)!.set(addonName, plain({ addon: answer.addon! }));
        }
        const insights = await paginate('eks:ListInsights', `cluster ${cluster}`,
          (nextToken) => eks.send(new ListInsightsCommand({ clusterName: cluster, nextToken })), (p) => p.insights, (p) => p.nextToken, this.options);
        snapshot.insights.set(cluster, plain({ insights }));
      }
      const elb = new ElasticLoadBalancingV2Client(lookup);
      for (const tg of stackResources.filter((r) => r.ResourceType === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.PhysicalResourceId !== undefined)) {
        const health = await call('elasticloadbalancing:DescribeTargetHealth', `target group ${stack.stackName}/${tg.LogicalResourceId}`,
          () => elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.PhysicalResourceId })), this.options);
        snapshot.targetHealth.set(`${stack.stackName}.${tg.LogicalResourceId}`, plain({ TargetHealthDescriptions: health.TargetHealthDescriptions ?? [] }));
      }
      const ec2 = new EC2Client(lookup);
      for (let i = 0; i < groups.length; i += GROUPS_PER_CALL) {
        const Values = groups.slice(i, i + GROUPS_PER_CALL);
        const rules = await paginate('ec2:DescribeSecurityGroupRules', `security groups of stack ${stack.stackName}`,
          (NextToken) => ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values }], NextToken })),
          (p) => p.SecurityGroupRules, (p) => p.NextToken, this.options);
        snapshot.securityGroupRules.SecurityGroupRules.push(...plain(rules) as SecurityGroupRule[]);
      }
    }
    return snapshot;
  }

  /** The template `stack` was deployed with, as written (GetTemplate, stage Original). */
  public async deployedTemplate(stack: DeployedStack, client?: CloudFormationClient): Promise<{ [key: string]: unknown }> {
    const cfn = client ?? new CloudFormationClient(await this.config(stack, 'deploy'));
    const template = await call('cloudformation:GetTemplate', `stack ${stack.stackName}`,
      () => cfn.send(new GetTemplateCommand({ StackName: stack.stackName, TemplateStage: 'Original' })), this.options);
    return parseTemplate(template.TemplateBody, stack.stackName);
  }

  /** The alarms named, in the shape of `cloudwatch describe-alarms` (alarms that do not exist are simply absent). */
  public async alarms(stack: DeployedStack, names: readonly string[]): Promise<MetricAlarm[]> {
    const cloudwatch = new CloudWatchClient(await this.config(stack, 'lookup'));
    const alarms: MetricAlarm[] = [];
    // DescribeAlarms takes at most 100 names per call.
    for (let i = 0; i < names.length; i += 100) {
      const AlarmNames = names.slice(i, i + 100);
      alarms.push(...plain(await paginate('cloudwatch:DescribeAlarms', `alarms of stack ${stack.stackName}`,
        (NextToken) => cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames, NextToken })), (p) => p.MetricAlarms, (p) => p.NextToken, this.options)) as MetricAlarm[]);
    }
    return alarms;
  }

  /** Sets the stack policy of `stack` (with its deploy role). */
  public async setStackPolicy(stack: DeployedStack, policy: object): Promise<void> {
    const cfn = new CloudFormationClient(await this.config(stack, 'deploy'));
    await call('cloudformation:SetStackPolicy', `stack ${stack.stackName}`,
      () => cfn.send(new SetStackPolicyCommand({ StackName: stack.stackName, StackPolicyBody: JSON.stringify(policy) })), this.options);
  }

  /** A CloudFormation client with the deploy role of `stack`, in its region. */
  public async cloudFormation(stack: DeployedStack): Promise<CloudFormationClient> {
    return new CloudFormationClient(await this.config(stack, 'deploy'));
  }

  private async config(stack: DeployedStack, role: 'deploy' | 'lookup'): Promise<{ region: string; credentials: Credentials; maxAttempts: number }> {
    const location = await this.location(stack);
    const template = role === 'deploy' ? stack.deployRoleArn : stack.lookupRoleArn ?? stack.deployRoleArn;
    const credentials = this.options.assumeRoles && template !== undefined
      ? fromTemporaryCredentials({ params: { RoleArn: substituteRole(template, location), RoleSessionName: 'cdk-safe-eks' }, clientConfig: { region: location.region } })
      : undefined;
    // Retries are ours (aws-calls.ts): one policy, and the one the tests see.
    return { region: location.region, credentials, maxAttempts: 1 };
  }

  /** The account (the caller's for an environment-agnostic stack), region and partition `stack` deploys to. */
  public async location(stack: DeployedStack): Promise<Location> {
    const region = stack.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (region === undefined) {
      throw new LiveError(`stack ${stack.stackName}`, 'LiveRegion', 'the assembly names no region for the stack and none is configured.', stack.id,
        'set AWS_REGION, or give the stack an env');
    }
    const account = stack.account ?? await (this.callerAccount ??= this.caller(region));
    return { account, region, partition: partitionOf(region) };
  }

  private async caller(region: string): Promise<string> {
    const sts = new STSClient({ region, maxAttempts: 1 });
    const identity = await call('sts:GetCallerIdentity', 'the default credentials', () => sts.send(new GetCallerIdentityCommand({})), this.options);
    return identity.Account!;
  }
}

function parseTemplate(body: string | undefined, stackName: string): { [key: string]: unknown } {
  try {
    return JSON.parse(body ?? '');
  } catch {
    throw new LiveError(`stack ${stackName}`, 'LiveTemplate', 'its deployed template is not JSON.', (body ?? '').slice(0, 40),
      'deploy it with the CDK, which writes JSON');
  }
}

/** What the AWS CLI would print: no `$metadata`, dates as ISO strings. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === '$metadata' ? undefined : v)));
}
