import * as events from 'aws-cdk-lib/aws-events';

/**
 * The alerts a guardrail sends, one line of facts each, built by EventBridge input transformers from
 * string fields every record of the matched calls has (objects such as the whole request are left out:
 * a string template has no place for them). The text is what an email, AWS Chatbot or a pager shows.
 */

const field = (path: string) => events.EventField.fromPath(path);
const CALL = field('$.detail.eventName');
const WHO = field('$.detail.userIdentity.arn');
const FROM = field('$.detail.sourceIPAddress');
const AGENT = field('$.detail.userAgent');
const TIME = field('$.detail.eventTime');
const ACCOUNT = field('$.account');
const REGION = field('$.region');

function callFacts(): string {
  return `Call: ${CALL} at ${TIME} by ${WHO} from ${FROM} (${AGENT}) in account ${ACCOUNT}, ${REGION}.`;
}

/** A group of the cluster (or a rule naming it as peer) was revoked, authorized or deleted. */
export function securityGroupChangeMessage(clusterName: string): events.RuleTargetInput {
  const group = field('$.detail.requestParameters.groupId');
  return events.RuleTargetInput.fromText(
    `[cdk-safe-eks] Security group ${group} changed outside CloudFormation; it is, or its rule names, a security group of EKS cluster ${clusterName}. `
    + `${callFacts()} Check the group: aws ec2 describe-security-group-rules --filters Name=group-id,Values=${group}`);
}

/** A rule of a group of the cluster was rewritten in place. */
export function securityGroupRuleModificationMessage(clusterName: string): events.RuleTargetInput {
  const group = field('$.detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId');
  return events.RuleTargetInput.fromText(
    `[cdk-safe-eks] A rule of security group ${group} was modified outside CloudFormation; the group is, or the rule now names, a security group of EKS cluster ${clusterName}. `
    + `${callFacts()} Check the group: aws ec2 describe-security-group-rules --filters Name=group-id,Values=${group}`);
}

/** A revoke or delete named no group ID, so it may have touched the cluster's groups. */
export function unnamedSecurityGroupChangeMessage(clusterName: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `[cdk-safe-eks] Security group rules or a group were removed by rule ID or group name, which does not say which group changed; it may be a security group of EKS cluster ${clusterName}. `
    + `${callFacts()} Check the cluster's groups with: npx cdk-safe-eks verify`);
}

/** The cluster, a node group, a Fargate profile or an add-on of it was changed. */
export function clusterChangeMessage(clusterName: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `[cdk-safe-eks] EKS cluster ${clusterName} changed outside CloudFormation. ${callFacts()} `
    + `Check the update: aws eks list-updates --name ${clusterName}`);
}

/** An AWS Health event about EKS in the account; `owner` says whose guardrail sent it (`cluster <name>`, `pair <id>`). */
export function healthEventMessage(owner: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `[cdk-safe-eks] AWS Health, EKS (guardrail of ${owner}): ${field('$.detail.eventTypeCode')} `
    + `(${field('$.detail.eventTypeCategory')}) in ${REGION}, account ${ACCOUNT}, from ${field('$.detail.startTime')}. `
    + `Affected: ${field('$.resources')}. ${field('$.detail.eventDescription[0].latestDescription')}`);
}
