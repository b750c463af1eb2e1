import { Annotations, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { limitGrantsToAwsResources } from '../private/kms';

/** The services that publish a guardrail's alerts: EventBridge rules and CloudWatch alarms. */
const PUBLISHERS = ['events.amazonaws.com', 'cloudwatch.amazonaws.com'];
/** EventBridge's SNS target grants itself the key of an in-app topic; CloudWatch's alarm action does not. */
const CLOUDWATCH = 'cloudwatch.amazonaws.com';

/** A new topic for a cluster's alerts, encrypted with a new KMS key that only its publishers may use for it. */
export function createAlertTopic(scope: Construct, clusterName: string): sns.Topic {
  const key = limitGrantsToAwsResources(new kms.Key(scope, 'AlertsKey', {
    description: `Encryption of the guardrail alerts of EKS cluster ${clusterName}`,
    enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN,
  }));
  const topic = new sns.Topic(scope, 'Alerts', {
    displayName: `cdk-safe-eks guardrails of ${clusterName}`.slice(0, 100), masterKey: key, enforceSSL: true,
  });
  allowPublishers(scope, topic, key);
  return topic;
}

/**
 * Lets EventBridge and CloudWatch publish to `topic`, encrypted: a topic policy for both (EventBridge's
 * target adds its own; a topic policy replaces SNS's default one, so CloudWatch needs its statement) and,
 * when the key is in this app, a key policy statement for CloudWatch, from this account only. An imported key's policy
 * cannot be changed here: a warning says what it must allow.
 */
export function allowPublishers(scope: Construct, topic: sns.ITopic, key: kms.IKey | undefined): void {
  const account = Stack.of(scope).account;
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'], resources: [topic.topicArn],
    conditions: { StringEquals: { 'aws:SourceAccount': account } },
  }));
  if (key instanceof kms.Key) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsEncrypt',
      principals: [new iam.ServicePrincipal(CLOUDWATCH)],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }));
  } else {
    Annotations.of(scope).addWarningV2('cdk-safe-eks:guardrailsTopicKeyPolicy',
      `The alert topic's KMS key is not part of this app, so its key policy cannot be extended here. Make sure it lets ${PUBLISHERS.join(' and ')} `
      + 'use kms:GenerateDataKey* and kms:Decrypt, or SNS drops every alert of this guardrail.');
  }
}
