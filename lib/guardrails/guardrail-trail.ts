import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { isJsonObject } from '../model/json';
import { acknowledgeRules } from '../private/acknowledgements';
import { SafeEksError, show } from '../private/errors';
import { checkValue } from '../private/guards';
import { limitGrantsToAwsResources } from '../private/kms';

/** What a guardrail knows about the trail that feeds its rules. */
export interface GuardrailTrailConfig {
  /** How the management events reach EventBridge, in words (shown in the guardrail's description). */
  readonly description: string;
  /**
   * The trail, when it is part of the app.
   *
   * @default - none: the trail is outside the app (`GuardrailTrail.organizationTrail`)
   */
  readonly trail?: cloudtrail.Trail;
}

/**
 * The CloudTrail trail that logs the account's management events. EventBridge receives CloudTrail's
 * "AWS API Call via CloudTrail" events only while a trail logs management events in the region, so a
 * guardrail's EC2 and EKS rules depend on one. Say which: an existing trail of the app, a statement that
 * the organisation's trail logs them, or a trail created here.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export class GuardrailTrail {
  /** A trail of this app. Refused at synth when it does not log write management events in the guardrail's region. */
  public static fromTrail(trail: cloudtrail.Trail): GuardrailTrail {
    checkValue('GuardrailTrail.fromTrail', 'trail', trail, { type: 'object', name: 'cloudtrail.Trail', required: true, members: ['trailArn', 'node'] });
    return new GuardrailTrail('existing', trail);
  }

  /**
   * A trail outside this app (the organisation's, AWS Control Tower's) that logs write management
   * events in every region the guardrails run in. `statement` says which trail and who keeps it.
   */
  public static organizationTrail(statement: string): GuardrailTrail {
    checkValue('GuardrailTrail.organizationTrail', 'statement', statement, { type: 'string', required: true });
    if (statement.trim().length < 10) {
      throw new SafeEksError('GuardrailTrail.organizationTrail', 'TrailStatement', 'the statement must say which trail logs the management events.', show(statement),
        'name the trail and who keeps it, e.g. \'The AWS Control Tower organization trail logs management events in every governed region\'');
    }
    return new GuardrailTrail('statement', undefined, statement.trim());
  }

  /**
   * A new multi-region trail: management events to an S3 bucket and a CloudWatch Logs group (one year),
   * both encrypted with a new KMS key, log-file validation on, everything retained when the stack is
   * deleted. A second trail of the same events is billed (the first copy of management events is free):
   * create one per account and region, and pass it to the other guardrails with `fromTrail`.
   */
  public static create(): GuardrailTrail {
    return new GuardrailTrail('create');
  }

  private created?: cloudtrail.Trail;

  private constructor(
    private readonly kind: 'existing' | 'statement' | 'create',
    private readonly trail?: cloudtrail.Trail,
    private readonly statement?: string,
  ) {}

  /** Checks the trail (or creates it, once) for a guardrail in `scope`. */
  public bind(scope: Construct): GuardrailTrailConfig {
    checkValue('GuardrailTrail.bind', 'scope', scope, { type: 'object', name: 'construct', required: true, members: ['node'] });
    if (this.kind === 'statement') return { description: `organisation trail: ${this.statement}` };
    if (this.kind === 'existing') {
      checkTrail(scope, this.trail!);
      return { description: `trail ${this.trail!.node.path}`, trail: this.trail };
    }
    this.created ??= createTrail(scope);
    return { description: `trail ${this.created.node.path}`, trail: this.created };
  }
}

// A trail that logs no write management events here delivers nothing the rules could match.
function checkTrail(scope: Construct, trail: cloudtrail.Trail): void {
  const cfn = trail.node.defaultChild as cloudtrail.CfnTrail;
  const stack = Stack.of(cfn);
  const fail = (problem: string, received: unknown, fix: string) => {
    throw new SafeEksError(scope, 'GuardrailTrail', `trail ${trail.node.path} ${problem}`, show(received), fix);
  };
  if (stack.resolve(cfn.isLogging) === false) fail('is not logging.', false, 'set IsLogging to true on the trail');
  const selectors = stack.resolve(cfn.eventSelectors) as unknown[] | undefined;
  const advanced = stack.resolve(cfn.advancedEventSelectors) as unknown[] | undefined;
  if (advanced !== undefined && advanced.length > 0) {
    if (!advanced.some(logsWriteManagementEvents)) {
      fail('has advanced event selectors, and none selects write management events of EC2 and EKS.', advanced,
        'add an advanced event selector with eventCategory = Management and no readOnly = true');
    }
  } else if (selectors !== undefined && selectors.length > 0 && !selectors.some(selectsWriteManagementEvents)) {
    fail('logs no write management events.', selectors, 'create it with managementEvents: ReadWriteType.ALL or WRITE_ONLY (the default logs all)');
  }
  const multiRegion = stack.resolve(cfn.isMultiRegionTrail);
  const here = Stack.of(scope).region;
  if (multiRegion === false && !Token.isUnresolved(stack.region) && !Token.isUnresolved(here) && stack.region !== here) {
    fail(`logs ${stack.region} only, and the guardrail is in ${here}.`, stack.region, 'make the trail multi-region (isMultiRegionTrail: true, the default)');
  }
}

function selectsWriteManagementEvents(selector: unknown): boolean {
  if (!isJsonObject(selector)) return false;
  return selector.includeManagementEvents !== false && selector.readWriteType !== 'ReadOnly';
}

function logsWriteManagementEvents(selector: unknown): boolean {
  if (!isJsonObject(selector) || !Array.isArray(selector.fieldSelectors)) return false;
  const fields = selector.fieldSelectors.filter(isJsonObject);
  const field = (name: string) => fields.find((f) => f.field === name);
  const category = field('eventCategory');
  const readOnly = field('readOnly');
  const source = field('eventSource');
  const excluded = Array.isArray(source?.notEquals) ? source.notEquals : [];
  return Array.isArray(category?.equals) && category.equals.includes('Management')
    && !(Array.isArray(readOnly?.equals) && readOnly.equals.includes('true'))
    && (source === undefined || (source.equals === undefined && !excluded.some((s) => s === 'ec2.amazonaws.com' || s === 'eks.amazonaws.com')));
}

/** Log files stay; a replaced version (there should be none: CloudTrail never rewrites a file) goes after a year. */
const LOG_LIFECYCLE: s3.LifecycleRule[] = [{ noncurrentVersionExpiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(7) }];

function createTrail(scope: Construct): cloudtrail.Trail {
  const stack = Stack.of(scope);
  const key = limitGrantsToAwsResources(new kms.Key(scope, 'TrailKey', {
    description: 'Encryption of the CloudTrail trail of the cdk-safe-eks guardrails: log files, bucket and log group',
    enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN,
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudTrailEncryptsLogFiles',
    principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
    actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'], resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchLogsEncryptsTheTrailGroup',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
  }));
  // Server access logs can only be delivered to a bucket encrypted with S3-managed keys.
  const accessLogs = new s3.Bucket(scope, 'TrailAccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true,
    versioned: true, removalPolicy: RemovalPolicy.RETAIN, lifecycleRules: LOG_LIFECYCLE,
  });
  acknowledgeRules(accessLogs, ['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled',
    'cdk-validator-cfnguard::s3_bucket_logging_enabled_check'],
  'This bucket receives the trail bucket\'s server access logs; logging it into itself would loop.');
  acknowledgeRules(accessLogs, ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS',
    'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check'],
  'Amazon S3 delivers server access logs only to a bucket encrypted with S3-managed keys (SSE-S3); SSE-KMS is not supported there.');
  acknowledgeRules(accessLogs, ['cdk-validator-cfnguard::s3_bucket_acl_prohibited_check'],
    'S3 log delivery writes server access logs through the LogDeliveryWrite ACL aws-cdk-lib sets on the target bucket (unless the app sets @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy).');
  const bucket = new s3.Bucket(scope, 'TrailBucket', {
    encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true, versioned: true, serverAccessLogsBucket: accessLogs, removalPolicy: RemovalPolicy.RETAIN, lifecycleRules: LOG_LIFECYCLE,
  });
  for (const b of [accessLogs, bucket]) {
    acknowledgeRules(b, ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled'],
      'Cross-region replication of audit logs is an account-wide backup decision; log-file validation (on) detects any change to a delivered log file.');
    acknowledgeRules(b, ['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check'],
      'Log-file validation (on) proves every delivered log file unchanged; object lock would keep the objects past any retention the account decides.');
    acknowledgeRules(b, ['cdk-validator-cfnguard::s3_event_notifications_enabled_check'],
      'Nothing consumes the objects as they arrive: the guardrails read the same events from EventBridge, and CloudTrail reports failed deliveries itself.');
  }
  const logGroup = new logs.LogGroup(scope, 'TrailLogs', {
    encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN,
  });
  const trail = new cloudtrail.Trail(scope, 'Trail', {
    bucket, encryptionKey: key, enableFileValidation: true, isMultiRegionTrail: true, includeGlobalServiceEvents: true,
    sendToCloudWatchLogs: true, cloudWatchLogGroup: logGroup,
  });
  acknowledgeRules(trail, ['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'],
    'aws-cdk-lib\'s Trail writes its CloudWatch Logs delivery role\'s policy inline: logs:CreateLogStream and logs:PutLogEvents on this trail\'s log group only.');
  return trail;
}
