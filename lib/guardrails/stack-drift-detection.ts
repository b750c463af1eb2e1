import { Annotations, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeRules } from '../private/acknowledgements';

/**
 * Read actions that are configuration, not data, per IAM prefix. Drift detection reads every resource
 * of the stack with the rule's role; `Describe*` and `List*` are granted for every service in the stack,
 * `Get*` only where listed here (a blanket `Get*` would include s3:GetObject or secretsmanager:GetSecretValue).
 */
const CONFIGURATION_GETS: { [prefix: string]: string[] } = {
  iam: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetInstanceProfile'],
  s3: ['s3:GetBucket*', 's3:GetEncryptionConfiguration', 's3:GetLifecycleConfiguration', 's3:GetReplicationConfiguration'],
  kms: ['kms:GetKeyPolicy', 'kms:GetKeyRotationStatus'],
  sns: ['sns:GetTopicAttributes', 'sns:GetDataProtectionPolicy'],
  lambda: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetPolicy'],
  ec2: ['ec2:GetLaunchTemplateData'],
  cloudtrail: ['cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetInsightSelectors'],
  config: [],
};
/** The IAM prefixes of the services a guarded cluster's stack usually holds. */
const KNOWN_PREFIXES = new Set(['cloudformation', 'cloudtrail', 'cloudwatch', 'config', 'ec2', 'eks', 'elasticache', 'elasticloadbalancing', 'events',
  'iam', 'kms', 'lambda', 'logs', 'rds', 'route53', 's3', 'secretsmanager', 'sns', 'sqs', 'ssm', 'autoscaling']);
/** CloudFormation resource namespaces whose IAM prefix is not their lowercase name. */
const IAM_PREFIX: { [namespace: string]: string } = { ElasticLoadBalancingV2: 'elasticloadbalancing', ElasticLoadBalancing: 'elasticloadbalancing' };

/**
 * AWS Config's managed rule `cloudformation-stack-drift-detection-check` on `stack`: NON_COMPLIANT when
 * the deployed resources drifted from the template (a rule revoked by hand is drift of its group). It
 * needs AWS Config's configuration recorder in the region, recording AWS::CloudFormation::Stack; none is
 * created here (an account has one recorder per region, usually the organisation's), and synthesis says so.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/cloudformation-stack-drift-detection-check.html
 */
export function addStackDriftDetection(scope: Construct, stack: Stack): config.ManagedRule {
  const role = new iam.Role(scope, 'DriftDetectionRole', {
    assumedBy: new iam.ServicePrincipal('config.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    description: `Lets AWS Config detect drift of stack ${stack.stackName}, reading the configuration of its resources`,
  });
  new iam.CfnManagedPolicy(scope, 'DriftDetectionPolicy', {
    description: `Drift detection of stack ${stack.stackName}: read-only`, roles: [role.roleName],
    // Produced at synthesis: the resource types of the finished stack, not those that exist when this runs.
    policyDocument: Lazy.any({ produce: () => driftDetectionPolicy(stack) }),
  });
  // One acknowledgement per granular finding: a service outside this list still surfaces.
  const wildcards = [...KNOWN_PREFIXES].flatMap((p) => [`${p}:Describe*`, `${p}:List*`]).concat('s3:GetBucket*', 'Resource::*');
  acknowledgeRules(scope, ['AwsSolutions-IAM5', ...wildcards.map((w) => `AwsSolutions-IAM5[${w.startsWith('Resource::') ? w : `Action::${w}`}]`)],
    'Drift detection reads each resource of the stack: the Describe*/List* read actions of the services in it (they support no resource-level permissions), and the CloudFormation drift actions on this stack only.');
  const rule = new config.ManagedRule(scope, 'StackDriftDetection', {
    identifier: config.ManagedRuleIdentifiers.CLOUDFORMATION_STACK_DRIFT_DETECTION_CHECK,
    description: `Drift of stack ${stack.stackName} (EKS cluster guardrails)`,
    inputParameters: { cloudformationRoleArn: role.roleArn },
    ruleScope: config.RuleScope.fromResource(config.ResourceType.CLOUDFORMATION_STACK, stack.stackId),
    maximumExecutionFrequency: config.MaximumExecutionFrequency.ONE_HOUR,
  });
  rule.node.addDependency(role);
  Annotations.of(scope).addInfo('Stack drift detection is an AWS Config rule: it evaluates only while a configuration recorder records '
    + 'AWS::CloudFormation::Stack in this region (none is created here). Check with: aws configservice describe-configuration-recorder-status');
  return rule;
}

/** Services whose reads are all Get* and List*: `Describe*` would match no action (cfn-lint W3037). */
const NO_DESCRIBE_ACTIONS = new Set(['iam', 'lambda', 'sns', 'sqs']);

function driftDetectionPolicy(stack: Stack): object {
  const prefixes = new Set<string>(['cloudformation']);
  for (const c of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    const match = /^AWS::([A-Za-z0-9]+)::/.exec(c.cfnResourceType);
    if (match) prefixes.add(IAM_PREFIX[match[1]] ?? match[1].toLowerCase());
  }
  const reads = [...prefixes].sort().flatMap((p) => [...(NO_DESCRIBE_ACTIONS.has(p) ? [] : [`${p}:Describe*`]), `${p}:List*`, ...(CONFIGURATION_GETS[p] ?? [])]);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DetectDriftOfThisStack', Effect: 'Allow',
        Action: ['cloudformation:DetectStackDrift', 'cloudformation:DetectStackResourceDrift', 'cloudformation:DescribeStackDriftDetectionStatus',
          'cloudformation:DescribeStackResourceDrifts', 'cloudformation:DescribeStackResources', 'cloudformation:GetTemplate'],
        Resource: stack.stackId,
      },
      { Sid: 'ReadTheConfigurationOfItsResources', Effect: 'Allow', Action: reads, Resource: '*' },
    ],
  };
}
