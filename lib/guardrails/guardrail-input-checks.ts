import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { ISafeCluster } from '../cluster/i-safe-cluster';
import { securityGroupIdProblem } from '../model/aws-naming-rules';
import { ALL_GUARDRAIL_ALARM_KINDS } from '../model/guardrail-names';
import { SafeEksError, formatProblem, show } from '../private/errors';
import { TypeSpec, checkProps, checkValue, describe, refuse } from '../private/guards';
import { requireIntegerInRange } from '../private/validate';

/** The longest ALB idle timeout: no response takes longer. */
const MAX_RESPONSE_TIME_SECONDS = 4000;
/** A target group holds at most 1000 targets (Elastic Load Balancing quota). */
const MAX_HEALTHY_HOSTS = 1000;

const GROUP: TypeSpec = { type: 'object', name: 'ec2.ISecurityGroup', members: ['securityGroupId'] };

/** Types of every `ClusterGuardrailsProps` field. */
export const CLUSTER_GUARDRAILS_PROP_TYPES: { [prop: string]: TypeSpec } = {
  cluster: { type: 'object', name: 'ISafeCluster', required: true, members: ['clusterName', 'nodeSecurityGroup', 'controlPlaneSecurityGroup', 'cluster'] },
  trail: { type: 'object', name: 'GuardrailTrail', members: ['bind'] },
  securityGroups: { type: 'array', name: 'array of ec2.ISecurityGroup', items: GROUP },
  clusterSecurityGroupId: { type: 'string' },
  topic: { type: 'object', name: 'sns.ITopic', members: ['topicArn'] },
  targetGroup: { type: 'object', name: 'elbv2.IApplicationTargetGroup', members: ['targetGroupArn', 'metrics'] },
  minHealthyHosts: { type: 'number' },
  max5xxPercent: { type: 'number' },
  maxP99ResponseTime: { type: 'object', name: 'Duration', members: ['toMilliseconds'] },
  servesTraffic: { type: 'boolean' },
  healthEvents: { type: 'boolean' },
  stackDriftDetection: { type: 'boolean' },
};

/** The thresholds, defaults applied, once checked. */
export interface GuardrailThresholds {
  readonly minHealthyHosts: number;
  readonly max5xxPercent: number;
  readonly maxP99ResponseTime: Duration;
}

interface GuardrailInputs {
  readonly cluster?: ISafeCluster;
  readonly clusterSecurityGroupId?: string;
  readonly topic?: sns.ITopic;
  readonly minHealthyHosts?: number;
  readonly max5xxPercent?: number;
  readonly maxP99ResponseTime?: Duration;
  readonly stackDriftDetection?: boolean;
}

/** Checks the props a guardrail can judge on its own, and returns its thresholds. */
export function checkGuardrailInputs(scope: IConstruct, props: GuardrailInputs): GuardrailThresholds {
  checkProps(scope, 'props', props, CLUSTER_GUARDRAILS_PROP_TYPES);
  const clusterName = props.cluster!.clusterName;
  if (Token.isUnresolved(clusterName)) {
    throw new SafeEksError(scope, 'GuardrailClusterName', 'the guardrail alarms are named after the cluster, so its name must be known at synth.',
      describe(clusterName), 'give the cluster a literal `clusterName` (SafeCluster names every cluster it creates), or import it with its literal name');
  }
  if (props.clusterSecurityGroupId !== undefined && !Token.isUnresolved(props.clusterSecurityGroupId)) {
    refuse(scope, props.clusterSecurityGroupId, securityGroupIdProblem(props.clusterSecurityGroupId, 'clusterSecurityGroupId'));
  }
  checkTopicEncrypted(scope, props.topic);
  const minHealthyHosts = props.minHealthyHosts ?? 1;
  requireIntegerInRange(scope, 'minHealthyHosts', minHealthyHosts, 1, MAX_HEALTHY_HOSTS);
  const max5xxPercent = props.max5xxPercent ?? 5;
  if (!Token.isUnresolved(max5xxPercent) && !(Number.isFinite(max5xxPercent) && max5xxPercent > 0 && max5xxPercent <= 100)) {
    throw new SafeEksError(scope, 'GuardrailThreshold', '`max5xxPercent` is a share of requests in percent: above 0, at most 100.', show(max5xxPercent),
      'set `max5xxPercent` to a number such as 5 (5% of requests), or leave it unset');
  }
  const maxP99ResponseTime = props.maxP99ResponseTime ?? Duration.seconds(2);
  const ms = maxP99ResponseTime.toMilliseconds({ integral: false });
  if (!(Number.isFinite(ms) && ms > 0 && ms <= MAX_RESPONSE_TIME_SECONDS * 1000)) {
    throw new SafeEksError(scope, 'GuardrailThreshold', `\`maxP99ResponseTime\` must be above 0 and at most ${MAX_RESPONSE_TIME_SECONDS} seconds (the longest ALB idle timeout).`,
      maxP99ResponseTime.toHumanString(), 'set `maxP99ResponseTime` to a duration such as Duration.seconds(2), or leave it unset');
  }
  if (props.stackDriftDetection === true && Stack.of(scope) !== Stack.of(props.cluster!)) {
    throw new SafeEksError(scope, 'GuardrailDriftStack', 'stack drift detection watches the stack the guardrail is in, and that is not the cluster\'s stack.',
      `guardrail in ${Stack.of(scope).stackName}, cluster in ${Stack.of(props.cluster!).stackName}`, 'create the guardrails in the cluster\'s stack (SafeCluster.addGuardrails does)');
  }
  return { minHealthyHosts, max5xxPercent, maxP99ResponseTime };
}

// A topic whose encryption cannot be seen is refused: alerts name groups, principals and source addresses.
function checkTopicEncrypted(scope: IConstruct, topic: sns.ITopic | undefined): void {
  if (topic === undefined || topic.masterKey !== undefined) return;
  const cfn = topic.node.defaultChild;
  const imported = !(cfn instanceof sns.CfnTopic);
  throw new SafeEksError(scope, 'GuardrailTopicNotEncrypted',
    imported ? 'the alert topic was imported without its KMS key, so its encryption cannot be checked.' : 'the alert topic is not KMS-encrypted.',
    topic.node.path, imported ? 'import it with sns.Topic.fromTopicAttributes(scope, id, { topicArn, keyArn })' : 'create it with `masterKey: key`, or leave `topic` unset for an encrypted one');
}

/** The ID of the group EKS created for the cluster, or a refusal naming the prop that gives it. */
export function clusterSecurityGroupIdOf(scope: IConstruct, cluster: ISafeCluster): string {
  try {
    return cluster.cluster.clusterSecurityGroupId;
  } catch {
    throw new SafeEksError(scope, 'GuardrailClusterSecurityGroupUnknown', 'the guardrail watches the security group EKS created for the cluster, and the imported cluster does not say which it is.',
      cluster.node.path, 'pass `clusterSecurityGroupId` (the cluster\'s ClusterSecurityGroupId, `aws eks describe-cluster --query cluster.resourcesVpcConfig.clusterSecurityGroupId`)');
  }
}

/** The arguments of `ClusterGuardrails.alarmName` and `alarmArn`: strings, and a `GuardrailAlarm`. */
export function checkAlarmArguments(what: string, args: { [name: string]: unknown }): void {
  for (const [name, value] of Object.entries(args)) {
    checkValue(what, name, value, name === 'kind'
      ? { type: 'object', name: 'GuardrailAlarm (GuardrailAlarm.HEALTHY_HOSTS, ...)', required: true, members: ['value'] }
      : { type: 'string', required: true });
  }
  const kind = (args.kind as { value: unknown }).value;
  if (!(ALL_GUARDRAIL_ALARM_KINDS as readonly unknown[]).includes(kind)) {
    throw new SafeEksError(what, 'GuardrailAlarmKind', 'this is not one of the guardrail alarms.', show(kind), 'pass one of GuardrailAlarm.HEALTHY_HOSTS, UNHEALTHY_HOSTS, TARGET_5XX, P99_RESPONSE_TIME or CHANGES');
  }
}

/**
 * At synth: the first other set of guardrails in the app for the same cluster name, account and region
 * (each set records `cdk-safe-eks:guardrails` metadata). CloudWatch alarm names are unique there, so a
 * second set's fixed-name alarms would fail the deploy (cfn-lint E3019).
 */
export function duplicateGuardrailsProblem(scope: IConstruct, clusterName: string): string[] {
  const where = (c: IConstruct) => {
    const stack = Stack.of(c);
    return `${stack.resolve(stack.account)}/${stack.resolve(stack.region)}`;
  };
  const sets = scope.node.root.node.findAll().filter((c) => c.node.metadata.some((m) => m.type === GUARDRAILS_METADATA
    && (m.data as { cluster?: unknown }).cluster === clusterName) && where(c) === where(scope));
  const first = sets[0];
  if (first === undefined || first === scope) return [];
  return [formatProblem(scope, 'the cluster already has guardrails, whose alarms have the same fixed names; CloudWatch allows one alarm of a name per account and region.',
    `cluster ${show(clusterName)}, guarded first by ${first.node.path}`, `watch more security groups with the \`securityGroups\` prop of ${first.node.path}`)];
}

/** The metadata each `ClusterGuardrails` records: `{ cluster, trail }`. */
export const GUARDRAILS_METADATA = 'cdk-safe-eks:guardrails';
