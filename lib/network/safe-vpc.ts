import { Aws, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { checkSafeVpcProps } from './vpc-input-checks';
import { requireScope } from '../private/guards';
import { limitGrantsToAwsResources } from '../private/kms';

/** Properties of a `SafeVpc`: those of `ec2.Vpc`, with compliant defaults, and the flow-log settings. */
export interface SafeVpcProps extends ec2.VpcProps {
  /**
   * How long the VPC flow-log records are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the flow-log group. A key you pass must let the regional CloudWatch Logs
   * service principal use it.
   *
   * @default - a new key with rotation on, retained when the stack is deleted
   */
  readonly flowLogEncryptionKey?: kms.IKey;
}

/** The AWS-owned Systems Manager runbook that removes every rule from a VPC's default security group. */
const CLOSE_DEFAULT_GROUP_RUNBOOK = 'AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules';

/**
 * An `ec2.Vpc` with the defaults the AWS Control Tower proactive controls and the cdk-nag HIPAA,
 * NIST 800-53 R5 and PCI DSS 3.2.1 rule sets ask for:
 *
 * - public subnets do not give instances a public IP address (`mapPublicIpOnLaunch: false` unless a
 *   subnet configuration says otherwise); NAT gateways and load balancers bring their own addresses;
 * - every flow (accepted and rejected) is logged to a CloudWatch Logs group encrypted with a KMS key;
 * - the default security group is emptied by a Systems Manager association that runs the AWS-owned
 *   runbook `AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules` when the stack is deployed and
 *   again every day, so a rule added by hand does not last. Unlike `restrictDefaultSecurityGroup`,
 *   this needs no Lambda function in the stack (nothing to patch, no runtime to keep current);
 *   `restrictDefaultSecurityGroup: true` uses aws-cdk-lib's Lambda-backed custom resource instead.
 */
export class SafeVpc extends ec2.Vpc {
  /** The group that receives the flow logs. */
  public readonly flowLogGroup: logs.ILogGroup;
  /** The flow log of all traffic in the VPC. */
  public readonly flowLog: ec2.FlowLog;

  constructor(scope: Construct, id: string, props: SafeVpcProps = {}) {
    // Before super: ec2.Vpc reads the props without checking their types.
    checkSafeVpcProps(`${requireScope('SafeVpc', scope, id).node.path}/${id}`, props);
    super(scope, id, {
      ...props,
      subnetConfiguration: (props.subnetConfiguration ?? ec2.Vpc.DEFAULT_SUBNETS).map((subnet) => (
        subnet.subnetType === ec2.SubnetType.PUBLIC ? { ...subnet, mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch ?? false } : subnet)),
      // Closed by the association below instead, without a Lambda-backed custom resource, unless asked for.
      restrictDefaultSecurityGroup: props.restrictDefaultSecurityGroup ?? false,
    });

    const key = props.flowLogEncryptionKey ?? this.createFlowLogKey();
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      encryptionKey: key,
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.flowLog = this.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, this.flowLogRole()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    if (props.restrictDefaultSecurityGroup !== true) this.closeDefaultSecurityGroup();
    this.acknowledgePublicRoutes();
    if (props.availabilityZones !== undefined) {
      Validations.of(this).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason: 'The availability zones are given explicitly (`availabilityZones`), so that synthesis never looks them up in an account.',
      });
    }
  }

  private createFlowLogKey(): kms.Key {
    const key = limitGrantsToAwsResources(new kms.Key(this, 'FlowLogKey', {
      description: `Flow logs of VPC ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    }));
    // CloudWatch Logs encrypts with the key in the group's name, only for log groups of this account and region.
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Stack.of(this).region}:${Stack.of(this).account}:log-group:*` } },
    }));
    return key;
  }

  /** The flow-log role, with a customer managed policy rather than an inline one (the HIPAA and NIST packs refuse inline policies). */
  private flowLogRole(): iam.IRole {
    const role = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: `Writes the flow logs of VPC ${this.node.path}`,
    });
    new iam.ManagedPolicy(this, 'FlowLogPolicy', {
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.flowLogGroup.logGroupArn],
      })],
    });
    // Grants from the flow log go to the managed policy above, not to an inline one.
    return role.withoutPolicyUpdates();
  }

  private closeDefaultSecurityGroup(): void {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'CloseDefaultSecurityGroupRole', {
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Runs ${CLOSE_DEFAULT_GROUP_RUNBOOK} on the default security group of VPC ${this.node.path}`,
    });
    const policy = new iam.ManagedPolicy(this, 'CloseDefaultSecurityGroupPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: this.vpcDefaultSecurityGroup })],
        }),
        // DescribeSecurityGroups has no resource-level permissions.
        new iam.PolicyStatement({ actions: ['ec2:DescribeSecurityGroups'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution'],
          resources: [
            stack.formatArn({ service: 'ssm', resource: 'automation-definition', resourceName: `${CLOSE_DEFAULT_GROUP_RUNBOOK}:*` }),
            stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' }),
          ],
        }),
      ],
    });
    const association = new ssm.CfnAssociation(this, 'CloseDefaultSecurityGroup', {
      name: CLOSE_DEFAULT_GROUP_RUNBOOK,
      parameters: { GroupId: [this.vpcDefaultSecurityGroup], AutomationAssumeRole: [role.roleArn] },
      // Runs at deployment, then daily: a rule someone adds to the default group is removed within a day.
      scheduleExpression: 'rate(1 day)',
    });
    // The VPC's Name tag (and any app-wide tag) would land here, but not every region's schema of
    // AWS::SSM::Association has Tags (cfn-lint E3002): an untagged association deploys everywhere.
    association.addPropertyDeletionOverride('Tags');
    // cdk-nag names an env-agnostic stack's region and account as pseudo parameters.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const reasons: { [id: string]: string } = {
      'AwsSolutions-IAM5[Resource::*]': 'ec2:DescribeSecurityGroups has no resource-level permissions.',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:${region}:${account}:automation-definition/${CLOSE_DEFAULT_GROUP_RUNBOOK}:*]`]:
        'Any version of the one AWS-owned runbook the association runs.',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:${region}:${account}:automation-execution/*]`]:
        'Automation execution IDs are generated when the runbook starts; the role can only read executions of its own account and region.',
    };
    for (const [id, reason] of Object.entries(reasons)) Validations.of(policy).acknowledge({ id, reason });
    for (const rule of ['HIPAA.Security-VPCDefaultSecurityGroupClosed', 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed', 'PCI.DSS.321-VPCDefaultSecurityGroupClosed']) {
      Validations.of(this).acknowledge({
        id: rule,
        reason: `The default security group is emptied by the Systems Manager association ${this.node.path}/CloseDefaultSecurityGroup `
          + `(runbook ${CLOSE_DEFAULT_GROUP_RUNBOOK}, at deployment and daily); the rule recognizes only the Lambda-backed custom resource.`,
      });
    }
  }

  /** The default route of a public subnet to the internet gateway is what makes it public: NAT gateways and internet-facing load balancers need it. */
  private acknowledgePublicRoutes(): void {
    if (this.publicSubnets.length === 0) return;
    for (const rule of ['HIPAA.Security-VPCNoUnrestrictedRouteToIGW', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW']) {
      for (const subnet of this.publicSubnets) {
        Validations.of(subnet).acknowledge({
          id: rule,
          reason: 'A public subnet exists to reach the internet gateway: it holds the NAT gateways that nodes use for image pulls and AWS APIs, and '
            + 'internet-facing load balancers. Instances in it get no public IP address, and no security group admits 0.0.0.0/0.',
        });
      }
    }
  }
}
