import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createGuardrailAlarms } from './guardrail-alarms';
import { checkAlarmArguments, checkGuardrailInputs, duplicateGuardrailsProblem, GUARDRAILS_METADATA, clusterSecurityGroupIdOf } from './guardrail-input-checks';
import {
  clusterChangeMessage, healthEventMessage, securityGroupChangeMessage, securityGroupRuleModificationMessage, unnamedSecurityGroupChangeMessage,
} from './guardrail-messages';
import { allowPublishers, createAlertTopic } from './guardrail-topic';
import { GuardrailTrail } from './guardrail-trail';
import { addStackDriftDetection } from './stack-drift-detection';
import { ISafeCluster } from '../cluster/i-safe-cluster';
import { GuardrailAlarmKind, guardrailAlarmArn, guardrailAlarmName } from '../model/guardrail-names';
import {
  clusterChangePattern, eksHealthPattern, securityGroupChangePattern, securityGroupRuleModificationPattern, unnamedSecurityGroupChangePattern,
} from '../model/guardrail-patterns';
import { requireScope } from '../private/guards';

/** Options of a cluster's guardrails: everything but the cluster (what `SafeCluster.addGuardrails` takes). */
export interface ClusterGuardrailsOptions {
  /**
   * The trail that delivers EC2 and EKS management events to EventBridge.
   *
   * @default - none named: synthesis warns (`cdk-safe-eks:guardrailsTrailNotStated`), since without a trail the rules receive nothing
   */
  readonly trail?: GuardrailTrail;
  /**
   * More security groups to watch besides the cluster's owned node and control-plane groups and the
   * group EKS created: a load balancer's, a data store's, the kubectl provider's.
   *
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * ID of the security group EKS created for the cluster.
   *
   * @default - the cluster's `ClusterSecurityGroupId` attribute (required for an imported cluster)
   */
  readonly clusterSecurityGroupId?: string;
  /**
   * Topic the alerts and alarm state changes go to. It must be KMS-encrypted (an imported topic: import it
   * with `sns.Topic.fromTopicAttributes({ topicArn, keyArn })`).
   *
   * @default - a new topic, encrypted with a new KMS key
   */
  readonly topic?: sns.ITopic;
  /**
   * The target group that sends the cluster its traffic (an imported one needs `loadBalancerArns`): the
   * healthy-hosts, unhealthy-hosts, 5xx and p99 alarms watch it.
   *
   * @default - no target-group alarms
   */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;
  /**
   * Fewest healthy targets before the healthy-hosts alarm fires: 1 to 1000.
   *
   * @default 1
   */
  readonly minHealthyHosts?: number;
  /**
   * Largest share of requests, in percent, the targets may answer with a 5xx: above 0, at most 100.
   *
   * @default 5
   */
  readonly max5xxPercent?: number;
  /**
   * Largest p99 response time of the targets: above 0, at most 4000 seconds (the longest ALB idle timeout).
   *
   * @default Duration.seconds(2)
   */
  readonly maxP99ResponseTime?: Duration;
  /**
   * Whether the cluster serves traffic. An idle color's alarms keep their names and keep changing state,
   * so a gate can read them before a shift, but notify nobody until this is true.
   *
   * @default true
   */
  readonly servesTraffic?: boolean;
  /**
   * Send AWS Health events about EKS in the account and region (end of standard support, planned
   * lifecycle events) to the topic. They are per account: with several clusters in one region, keep it on
   * for one and set it to false on the others to get each event once.
   *
   * @default true
   */
  readonly healthEvents?: boolean;
  /**
   * Add AWS Config's managed rule `cloudformation-stack-drift-detection-check` on the cluster's stack,
   * with a read-only role of its own. AWS Config must record AWS::CloudFormation::Stack in the region
   * (a configuration recorder, usually the organisation's): none is created here.
   *
   * @default false
   */
  readonly stackDriftDetection?: boolean;
}

/** Properties of `ClusterGuardrails`: the cluster and its options. */
export interface ClusterGuardrailsProps extends ClusterGuardrailsOptions {
  /** The cluster to watch. */
  readonly cluster: ISafeCluster;
}

/**
 * Run-time guardrails of one EKS cluster, with AWS's own services and no Lambda function: EventBridge
 * rules on the CloudTrail calls that change its security groups (owned, EKS-created, and any rule of
 * another group that names them) or the cluster, node groups, Fargate profiles and add-ons, each sending
 * a readable alert to a KMS-encrypted SNS topic; CloudWatch alarms with fixed names on its target group
 * and on those rules; AWS Health events for EKS; optionally AWS Config drift detection of its stack.
 *
 * Alarm names are `cdk-safe-eks-<cluster name>-<kind>` (`ClusterGuardrails.alarmName`), so a deploy tool
 * can name them in a change set's rollback triggers without reading the account.
 */
export class ClusterGuardrails extends Construct {
  /** The fixed name of one of a cluster's guardrail alarms. */
  public static alarmName(clusterName: string, kind: GuardrailAlarm): string {
    checkAlarmArguments('ClusterGuardrails.alarmName', { clusterName, kind });
    return guardrailAlarmName(clusterName, kind.value as GuardrailAlarmKind);
  }

  /** The ARN of one of a cluster's guardrail alarms. */
  public static alarmArn(clusterName: string, kind: GuardrailAlarm, partition: string, region: string, account: string): string {
    checkAlarmArguments('ClusterGuardrails.alarmArn', { clusterName, kind, partition, region, account });
    return guardrailAlarmArn(clusterName, kind.value as GuardrailAlarmKind, { partition, region, account });
  }

  /** The topic the alerts go to. */
  public readonly topic: sns.ITopic;
  /** The rules whose firing means the cluster or one of its security groups changed. */
  public readonly changeRules: events.Rule[];
  /** The AWS Health rule, unless `healthEvents` is false. */
  public readonly healthRule?: events.Rule;
  /** The alarm of the changes the rules saw. */
  public readonly changesAlarm: cloudwatch.Alarm;
  /** Every alarm, target-group alarms first, the changes alarm last. */
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ClusterGuardrailsProps) {
    super(requireScope('ClusterGuardrails', scope, id), id);
    const inputs = checkGuardrailInputs(this, props);
    const cluster = props.cluster;
    const clusterName = cluster.clusterName;
    const trail = props.trail?.bind(this);
    if (trail === undefined) warnTrailUnknown(this);

    this.topic = props.topic ?? createAlertTopic(this, clusterName);
    if (props.topic !== undefined) allowPublishers(this, props.topic, props.topic.masterKey);

    const groups = [cluster.nodeSecurityGroup, cluster.controlPlaneSecurityGroup, ...(props.securityGroups ?? [])];
    const groupIds = [...new Set([...groups.map((g) => g.securityGroupId), props.clusterSecurityGroupId ?? clusterSecurityGroupIdOf(this, cluster)])];
    const description = (what: string) => `cdk-safe-eks guardrail of EKS cluster ${clusterName}: ${what}`.slice(0, 512);
    const rule = (ruleId: string, what: string, eventPattern: object, message: events.RuleTargetInput) => {
      const created = new events.Rule(this, ruleId, { description: description(what), eventPattern: eventPattern as events.EventPattern });
      created.addTarget(new targets.SnsTopic(this.topic, { message }));
      return created;
    };
    this.changeRules = [
      rule('SecurityGroupChanges', 'revokes, authorizations and deletes of its security groups, and of rules naming them',
        securityGroupChangePattern(groupIds), securityGroupChangeMessage(clusterName)),
      rule('SecurityGroupRuleModifications', 'in-place modifications of rules of its security groups, or naming them',
        securityGroupRuleModificationPattern(groupIds), securityGroupRuleModificationMessage(clusterName)),
      rule('ClusterChanges', 'version, configuration, node group, Fargate profile and add-on changes',
        clusterChangePattern(clusterName), clusterChangeMessage(clusterName)),
    ];
    // Not in the changes alarm: such a call names no group, so it may be about any cluster in the account.
    rule('UnnamedSecurityGroupChanges', 'revokes and deletes that name no security group ID',
      unnamedSecurityGroupChangePattern(), unnamedSecurityGroupChangeMessage(clusterName));
    if (props.healthEvents ?? true) {
      this.healthRule = rule('EksHealthEvents', 'AWS Health events for EKS in the account', eksHealthPattern(), healthEventMessage(`cluster ${clusterName}`));
    }

    const alarms = createGuardrailAlarms(this, {
      clusterName, topic: this.topic, actionsEnabled: props.servesTraffic ?? true, targetGroup: props.targetGroup,
      minHealthyHosts: inputs.minHealthyHosts, max5xxPercent: inputs.max5xxPercent, maxP99ResponseTime: inputs.maxP99ResponseTime,
      changeRules: this.changeRules,
    });
    this.changesAlarm = alarms.get(GuardrailAlarmKind.GUARDRAIL_CHANGES)!;
    this.alarms = [...alarms.values()];
    if (props.stackDriftDetection ?? false) addStackDriftDetection(this, Stack.of(this));
    this.node.addMetadata(GUARDRAILS_METADATA, { cluster: clusterName, trail: trail?.description ?? 'not stated' });
    this.node.addValidation({ validate: () => duplicateGuardrailsProblem(this, clusterName) });
  }
}

/** The warning a guardrail gives when no trail is named, and its fix. */
function warnTrailUnknown(scope: Construct): void {
  Annotations.of(scope).addWarningV2('cdk-safe-eks:guardrailsTrailNotStated',
    'The guardrail\'s EC2 and EKS rules receive events only while a CloudTrail trail logs management events in this region, and none was named. '
    + 'Fix: set `trail` to GuardrailTrail.fromTrail(trail), GuardrailTrail.organizationTrail(\'<which trail logs them>\') or GuardrailTrail.create().');
}

/** The alarms of a cluster's guardrails, by kind. */
export class GuardrailAlarm {
  /** Fewer healthy targets than `minHealthyHosts`. */
  public static readonly HEALTHY_HOSTS = new GuardrailAlarm(GuardrailAlarmKind.HEALTHY_HOSTS);
  /** At least one unhealthy target. */
  public static readonly UNHEALTHY_HOSTS = new GuardrailAlarm(GuardrailAlarmKind.UNHEALTHY_HOSTS);
  /** More than `max5xxPercent` of the requests answered with a 5xx by the targets. */
  public static readonly TARGET_5XX = new GuardrailAlarm(GuardrailAlarmKind.TARGET_5XX);
  /** p99 response time above `maxP99ResponseTime`. */
  public static readonly P99_RESPONSE_TIME = new GuardrailAlarm(GuardrailAlarmKind.P99_RESPONSE_TIME);
  /** A guardrail rule saw a change of the cluster or one of its security groups. */
  public static readonly CHANGES = new GuardrailAlarm(GuardrailAlarmKind.GUARDRAIL_CHANGES);

  /** The end of the alarm name. */
  public readonly value: string;

  private constructor(value: GuardrailAlarmKind) {
    this.value = value;
  }
}
