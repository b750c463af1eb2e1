/**
 * The fixed names of a cluster's guardrail alarms, and their ARNs, as pure functions of the cluster
 * name: what a deploy tool needs to name the alarms (for example in a CloudFormation change set's
 * RollbackConfiguration) without reading the account.
 */
import { InvalidArgumentError } from './argument-checks';

/** The alarms a guardrail creates for one cluster; the value is the end of the alarm name. */
export const GuardrailAlarmKind = {
  /** The target group has fewer healthy targets than the minimum. */
  HEALTHY_HOSTS: 'healthy-hosts',
  /** The target group has at least one unhealthy target. */
  UNHEALTHY_HOSTS: 'unhealthy-hosts',
  /** The targets answer more than the allowed share of requests with a 5xx. */
  TARGET_5XX: 'target-5xx',
  /** The targets' p99 response time is above the maximum. */
  P99_RESPONSE_TIME: 'p99-response-time',
  /** A guardrail rule saw a change of the cluster or of one of its security groups. */
  GUARDRAIL_CHANGES: 'changes',
} as const;
export type GuardrailAlarmKind = (typeof GuardrailAlarmKind)[keyof typeof GuardrailAlarmKind];

/** Every kind, in the order the alarms are created. */
export const ALL_GUARDRAIL_ALARM_KINDS: readonly GuardrailAlarmKind[] = Object.values(GuardrailAlarmKind);

/** The alarms watching a target group; only created when the guardrail is given one. */
export const TARGET_GROUP_ALARM_KINDS: readonly GuardrailAlarmKind[] = [
  GuardrailAlarmKind.HEALTHY_HOSTS, GuardrailAlarmKind.UNHEALTHY_HOSTS, GuardrailAlarmKind.TARGET_5XX, GuardrailAlarmKind.P99_RESPONSE_TIME,
];

/** Prefix of every guardrail alarm name. */
export const GUARDRAIL_ALARM_PREFIX = 'cdk-safe-eks';

/** Where an alarm lives: enough to write its ARN. */
export interface AlarmLocation {
  /** `aws`, `aws-cn`, `aws-us-gov`... */
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/**
 * The name of a guardrail alarm: `cdk-safe-eks-<cluster name>-<kind>`, e.g.
 * `cdk-safe-eks-payments-blue-1-34-healthy-hosts`. EKS cluster names are unique per account and
 * region, so the alarm names are too; at most 100 + 31 characters, under CloudWatch's 255.
 */
export function guardrailAlarmName(clusterName: string, kind: GuardrailAlarmKind): string {
  if (!ALL_GUARDRAIL_ALARM_KINDS.includes(kind)) {
    throw new InvalidArgumentError('guardrailAlarmName', 'GuardrailAlarmKind', 'this is not one of the guardrail alarm kinds.',
      JSON.stringify(kind), `pass one of ${ALL_GUARDRAIL_ALARM_KINDS.join(', ')}`);
  }
  return `${GUARDRAIL_ALARM_PREFIX}-${clusterName}-${kind}`;
}

/** The ARN of a guardrail alarm: `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`. */
export function guardrailAlarmArn(clusterName: string, kind: GuardrailAlarmKind, location: AlarmLocation): string {
  return `arn:${location.partition}:cloudwatch:${location.region}:${location.account}:alarm:${guardrailAlarmName(clusterName, kind)}`;
}

/**
 * The alarms of one cluster, by kind, as `guardrailAlarmName` names them: all five when the guardrail
 * watches a target group, only `changes` otherwise.
 */
export function guardrailAlarmNames(clusterName: string, withTargetGroup = true): { [kind: string]: string } {
  const kinds = withTargetGroup ? ALL_GUARDRAIL_ALARM_KINDS : [GuardrailAlarmKind.GUARDRAIL_CHANGES];
  return Object.fromEntries(kinds.map((kind) => [kind, guardrailAlarmName(clusterName, kind)]));
}
