import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GuardrailAlarmKind, guardrailAlarmName } from '../model/guardrail-names';
import { acknowledgeRules } from '../private/acknowledgements';

/** One-minute datapoints: a shift's bake time is minutes, so the alarms must be too. */
const PERIOD = Duration.minutes(1);

/** What the alarms of one cluster watch, and where they send their state changes. */
export interface GuardrailAlarmInputs {
  readonly clusterName: string;
  readonly topic: sns.ITopic;
  /** False for an idle color: the alarms still change state (a gate can read them) but notify nobody. */
  readonly actionsEnabled: boolean;
  readonly targetGroup?: elbv2.IApplicationTargetGroup;
  readonly minHealthyHosts: number;
  readonly max5xxPercent: number;
  readonly maxP99ResponseTime: Duration;
  /** The rules whose firing means the cluster or one of its groups changed. */
  readonly changeRules: events.Rule[];
}

/** The fixed-name alarms of one cluster, by kind. */
export function createGuardrailAlarms(scope: Construct, inputs: GuardrailAlarmInputs): Map<GuardrailAlarmKind, cloudwatch.Alarm> {
  const alarms = new Map<GuardrailAlarmKind, cloudwatch.Alarm>();
  const alarm = (kind: GuardrailAlarmKind, id: string, props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'actionsEnabled'>) => {
    const created = new cloudwatch.Alarm(scope, id, { ...props, alarmName: guardrailAlarmName(inputs.clusterName, kind), actionsEnabled: inputs.actionsEnabled });
    const action = new actions.SnsAction(inputs.topic);
    created.addAlarmAction(action);
    created.addOkAction(action);
    if (!inputs.actionsEnabled) {
      acknowledgeRules(created, ['HIPAA.Security-CloudWatchAlarmAction', 'NIST.800.53.R5-CloudWatchAlarmAction', 'cdk-validator-cfnguard::cloudwatch_alarm_action_enabled_check'],
        'The cluster serves no traffic (servesTraffic: false): the alarm keeps its name and its state, which a gate reads before a shift, and notifies the topic once the cluster serves traffic.');
    }
    alarms.set(kind, created);
  };

  const maxSeconds = inputs.maxP99ResponseTime.toMilliseconds({ integral: false }) / 1000;
  const metrics = inputs.targetGroup?.metrics;
  if (metrics !== undefined) {
    alarm(GuardrailAlarmKind.HEALTHY_HOSTS, 'HealthyHostsAlarm', {
      alarmDescription: `Fewer than ${inputs.minHealthyHosts} healthy targets behind EKS cluster ${inputs.clusterName}.`,
      metric: metrics.healthyHostCount({ period: PERIOD, statistic: cloudwatch.Stats.MINIMUM }),
      threshold: inputs.minHealthyHosts, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2, datapointsToAlarm: 2,
      // No datapoint means no target reported healthy.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm(GuardrailAlarmKind.UNHEALTHY_HOSTS, 'UnhealthyHostsAlarm', {
      alarmDescription: `At least one unhealthy target behind EKS cluster ${inputs.clusterName}.`,
      metric: metrics.unhealthyHostCount({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm(GuardrailAlarmKind.TARGET_5XX, 'Target5xxAlarm', {
      alarmDescription: `More than ${inputs.max5xxPercent}% of the requests to EKS cluster ${inputs.clusterName} answered with a 5xx by its targets.`,
      metric: new cloudwatch.MathExpression({
        label: 'Target 5xx (% of requests)',
        expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
        usingMetrics: {
          errors: metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD, statistic: cloudwatch.Stats.SUM }),
          requests: metrics.requestCount({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        },
        period: PERIOD,
      }),
      threshold: inputs.max5xxPercent, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm(GuardrailAlarmKind.P99_RESPONSE_TIME, 'P99ResponseTimeAlarm', {
      alarmDescription: `p99 response time of the targets of EKS cluster ${inputs.clusterName} above ${maxSeconds} s.`,
      metric: metrics.targetResponseTime({ period: PERIOD, statistic: cloudwatch.Stats.p(99) }),
      threshold: maxSeconds, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  // TriggeredRules counts the events each rule matched: any change in the minute is an alarm.
  const triggered = Object.fromEntries(inputs.changeRules.map((rule, i) => [`rule${i}`, new cloudwatch.Metric({
    namespace: 'AWS/Events', metricName: 'TriggeredRules', dimensionsMap: { RuleName: rule.ruleName },
    period: PERIOD, statistic: cloudwatch.Stats.SUM,
  })]));
  alarm(GuardrailAlarmKind.GUARDRAIL_CHANGES, 'ChangesAlarm', {
    alarmDescription: `A security group or the configuration of EKS cluster ${inputs.clusterName} was changed outside CloudFormation (see the guardrail's alert for which call).`,
    metric: new cloudwatch.MathExpression({
      label: 'Guardrail rule matches',
      expression: Object.keys(triggered).map((id) => `FILL(${id}, 0)`).join(' + '),
      usingMetrics: triggered, period: PERIOD,
    }),
    threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return alarms;
}
