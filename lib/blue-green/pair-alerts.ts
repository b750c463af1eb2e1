import { Annotations, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BlueGreenClusterPairProps } from './pair-props';
import { SharedExports } from './shared-exports';
import { SafeCluster } from '../cluster/safe-cluster';
import { healthEventMessage } from '../guardrails/guardrail-messages';
import { createAlertTopic } from '../guardrails/guardrail-topic';
import { eksHealthPattern } from '../model/guardrail-patterns';

/**
 * What the guardrails of a pair share, in its Shared stack: the alert topic (unless `alertTopic` is
 * given) and the AWS Health rule, which is per account and region, not per color. Shared holds them so
 * that no shift and no retirement of a color moves them: a color's stack changes only with its cluster.
 */
export class PairAlerts {
  private readonly topic?: sns.ITopic;

  constructor(pairId: string, private readonly sharedStack: Stack, private readonly shared: SharedExports, private readonly props: BlueGreenClusterPairProps) {
    const scope = new Construct(sharedStack, 'Guardrails');
    let topic = props.alertTopic;
    if (topic === undefined) {
      const created = createAlertTopic(scope, `pair ${pairId}`);
      shared.exportValue('AlertTopicArn', created.topicArn);
      shared.exportValue('AlertsKeyArn', created.masterKey!.keyArn);
      topic = created;
    }
    this.topic = props.alertTopic;
    // EventBridge's SNS target also lets events.amazonaws.com publish: the colors' rules rely on that grant.
    new events.Rule(scope, 'EksHealthEvents', {
      description: `cdk-safe-eks guardrail of pair ${pairId}: AWS Health events for EKS in the account`,
      eventPattern: eksHealthPattern() as events.EventPattern,
    }).addTarget(new targets.SnsTopic(topic, { message: healthEventMessage(`pair ${pairId}`) }));
  }

  /** Gives the color's cluster its guardrails, alerting the pair's topic. */
  public guard(cluster: SafeCluster, targetGroup: elbv2.IApplicationTargetGroup | undefined, minHealthyHosts: number | undefined): void {
    const stack = Stack.of(cluster);
    const topic = this.topic ?? sns.Topic.fromTopicAttributes(stack, 'AlertTopic', {
      topicArn: this.shared.importValue('AlertTopicArn'), keyArn: this.shared.importValue('AlertsKeyArn'),
    });
    cluster.addGuardrails({
      trail: this.props.guardrailTrail, topic, targetGroup, minHealthyHosts,
      // Constant: a shift changes only the Traffic stack. An idle color's alarms keep notifying.
      servesTraffic: true, healthEvents: false,
    });
    if (this.topic === undefined) {
      const shared = this.sharedStack.stackName;
      Annotations.of(cluster).acknowledgeWarning('cdk-safe-eks:guardrailsTopicKeyPolicy',
        `The alert topic and its key are the pair's, in ${shared}, whose key policy lets EventBridge and CloudWatch use it for this account.`);
      Annotations.of(cluster).acknowledgeWarning('@aws-cdk/aws-events:ruleUnresolvedEnvironment',
        `The topic's ARN is imported from ${shared}, which has this stack's account and region: rule and target share one environment.`);
    }
  }
}
