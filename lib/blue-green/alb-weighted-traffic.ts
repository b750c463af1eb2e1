import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PAIR_COLORS, PairColor } from './pair-color';
import { checkAlbWeightedBinding } from './traffic-shift-checks';
import { ITrafficShiftBinding, TrafficShiftBindOptions, TrafficShiftColor, TrafficShiftColorBinding, TrafficShiftWeight } from './traffic-shift-binding';
import { acknowledgeRules } from '../private/acknowledgements';

/** Options of `TrafficShift.albWeighted`. */
export interface AlbWeightedOptions {
  /**
   * ARN of the ACM certificate of the HTTPS listener, in the pair's account and region (a literal ARN,
   * checked at synth, or `certificate.certificateArn` of one created in a stack of your own).
   */
  readonly certificateArn: string;
  /**
   * Port the pods behind the Kubernetes Service listen on: the target group sends traffic to pod IPs
   * on this port, and each color's nodes admit it from the load balancer's group only.
   *
   * @default 8080
   */
  readonly targetPort?: number;
  /**
   * Path of the target group health check.
   *
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;
  /**
   * Internet-facing load balancer (in the public subnets) instead of an internal one.
   *
   * @default false
   */
  readonly internetFacing?: boolean;
  /**
   * Who may open connections to the listener (TCP 443).
   *
   * @default - the VPC's CIDR block
   */
  readonly allowedClients?: ec2.IPeer[];
  /**
   * Kubernetes Service the TargetGroupBinding of each color binds to the color's target group.
   *
   * @default 'web'
   */
  readonly serviceName?: string;
  /**
   * Port of that Service.
   *
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Namespace of the Service and the TargetGroupBinding.
   *
   * @default 'default'
   */
  readonly namespace?: string;
}

const DEFAULT_TARGET_PORT = 8080;
const HTTPS_PORT = 443;
const LISTENER_RULE_PRIORITY = 1;

/**
 * `TrafficShift.albWeighted` bound to a pair: in Shared, the load balancer with its access-log bucket, an
 * HTTPS listener and one target group per color; in each color's stack, the load balancer -> nodes rules
 * and the TargetGroupBinding manifest; in Traffic, the listener rule's weighted forward action.
 */
export class AlbWeightedTraffic implements ITrafficShiftBinding {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  constructor(pair: Construct, private readonly options: AlbWeightedOptions, private readonly bound: TrafficShiftBindOptions) {
    checkAlbWeightedBinding(pair, options, bound.sharedStack, bound.vpc);
    const { sharedStack: stack, sharedExports: shared, vpc } = bound;
    const group = new ec2.SecurityGroup(stack, 'LoadBalancerSecurityGroup', {
      vpc, allowAllOutbound: false,
      description: 'cdk-safe-eks load balancer of a blue-green pair: egress to each color is written by the color',
    });
    // The literal block, not the VPC's attribute: checks (cdk-nag EC23) can read it at synth.
    for (const peer of options.allowedClients ?? [ec2.Peer.ipv4(bound.vpcCidr)]) {
      group.addIngressRule(peer, ec2.Port.tcp(HTTPS_PORT), 'cdk-safe-eks: clients to the HTTPS listener');
    }
    const logs = accessLogBucket(stack);
    const internetFacing = options.internetFacing ?? false;
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'LoadBalancer', {
      vpc, internetFacing, securityGroup: group, dropInvalidHeaderFields: true,
      // The load balancer is what both colors hang off: a stack delete or replacement must not take it.
      deletionProtection: true,
      vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    if (!internetFacing) {
      acknowledgeRules(alb, ['NIST.800.53.R5-ALBWAFEnabled', 'PCI.DSS.321-ALBWAFEnabled'],
        'The load balancer is internal: only the VPC (or allowedClients) reaches it. An internet-facing pair should attach an AWS WAF web ACL, and this finding then stays.');
    }
    alb.logAccessLogs(logs, 'alb');
    const listener = alb.addListener('Https', {
      port: HTTPS_PORT, protocol: elbv2.ApplicationProtocol.HTTPS, certificates: [elbv2.ListenerCertificate.fromArn(options.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS, open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(503, { contentType: 'text/plain', messageBody: 'No color of this pair serves this path.' }),
    });
    shared.exportValue('LoadBalancerArn', alb.loadBalancerArn);
    shared.exportValue('LoadBalancerSecurityGroupId', group.securityGroupId);
    shared.exportValue('ListenerArn', listener.listenerArn);
    for (const color of PAIR_COLORS) {
      const targetGroup = new elbv2.ApplicationTargetGroup(stack, `${color}TargetGroup`, {
        vpc, targetType: elbv2.TargetType.IP, protocol: elbv2.ApplicationProtocol.HTTP,
        port: options.targetPort ?? DEFAULT_TARGET_PORT, targetGroupName: this.targetGroupName(color),
        healthCheck: { path: options.healthCheckPath ?? '/healthz' },
      });
      shared.exportValue(`${color}TargetGroupArn`, targetGroup.targetGroupArn);
    }
    this.loadBalancer = alb;
  }

  public bindColor({ color, stack, cluster }: TrafficShiftColor): TrafficShiftColorBinding {
    // Both rules of the load balancer -> nodes flow live here, so Shared never changes with a color.
    const port = ec2.Port.tcp(this.options.targetPort ?? DEFAULT_TARGET_PORT);
    const lbGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'LoadBalancerSecurityGroup',
      this.bound.sharedExports.importValue('LoadBalancerSecurityGroupId'), { allowAllOutbound: false, mutable: true });
    const description = `cdk-safe-eks: load balancer of pair ${this.bound.pairId} to ${color} pods on ${port.toString()}`;
    cluster.nodeSecurityGroup.addIngressRule(lbGroup, port, description);
    lbGroup.addEgressRule(cluster.nodeSecurityGroup, port, description);
    const manifest = this.targetGroupBinding(color);
    new CfnOutput(stack, 'TargetGroupBinding', {
      value: manifest,
      description: `TargetGroupBinding of the ${color} target group for the AWS Load Balancer Controller (also in the assembly as ${stack.artifactId}.targetgroupbinding.yaml)`,
    });
    const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'TargetGroup', {
      targetGroupArn: this.bound.sharedExports.importValue(`${color}TargetGroupArn`),
      loadBalancerArns: this.bound.sharedExports.importValue('LoadBalancerArn'),
    });
    return { files: [{ fileName: `${stack.artifactId}.targetgroupbinding.yaml`, content: manifest }], targetGroup };
  }

  public bindWeights(stack: Stack, weights: TrafficShiftWeight[]): void {
    const shared = this.bound.sharedExports;
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Listener', {
      listenerArn: shared.importValue('ListenerArn'),
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'LoadBalancerSecurityGroup', shared.importValue('LoadBalancerSecurityGroupId'), { mutable: false }),
    });
    new elbv2.ApplicationListenerRule(stack, 'Weights', {
      listener,
      priority: LISTENER_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: elbv2.ListenerAction.weightedForward(weights.map(({ color, weight }) => ({
        targetGroup: elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, `${color}TargetGroup`, {
          targetGroupArn: shared.importValue(`${color}TargetGroupArn`), loadBalancerArns: shared.importValue('LoadBalancerArn'),
        }),
        weight,
      }))),
    });
  }

  private targetGroupName(color: PairColor): string {
    return `${this.bound.namePrefix}-${color.toLowerCase()}`;
  }

  private targetGroupBinding(color: PairColor): string {
    const name = this.targetGroupName(color);
    const pairId = this.bound.pairId;
    return [
      `# TargetGroupBinding of color ${color} of pair ${pairId}, for the AWS Load Balancer Controller.`,
      `# No "networking" section: the controller writes no security-group rules; the ${pairId}-${color} stack owns them.`,
      'apiVersion: elbv2.k8s.aws/v1beta1',
      'kind: TargetGroupBinding',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${this.options.namespace ?? 'default'}`,
      'spec:',
      '  serviceRef:',
      `    name: ${this.options.serviceName ?? 'web'}`,
      `    port: ${this.options.servicePort ?? 80}`,
      `  targetGroupName: ${name}`,
      '  targetType: ip',
      '',
    ].join('\n');
  }
}

/** The access-log bucket of the load balancer, with the reasons its findings do not apply. */
function accessLogBucket(stack: Stack): s3.Bucket {
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
    // A year of access logs, then gone; replaced versions a month after they are.
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });
  acknowledgeRules(logs, ['cdk-validator-cfnguard::s3_event_notifications_enabled_check'],
    'Nothing consumes new access-log objects as events; log analysis reads the bucket on demand.');
  acknowledgeRules(logs, ['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check'],
    'Access logs are operational records kept a year under versioning; Object Lock (WORM retention) would make the lifecycle expiry impossible to apply.');
  acknowledgeRules(logs, ['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled',
    'cdk-validator-cfnguard::s3_bucket_logging_enabled_check'],
    'This bucket holds the load balancer access logs; logging access to the log bucket itself would need another bucket, endlessly.');
  acknowledgeRules(logs, ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS',
    'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check'],
    'Elastic Load Balancing writes access logs only to buckets encrypted with S3-managed keys (SSE-S3); SSE-KMS is not supported for them.');
  acknowledgeRules(logs, ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled'],
    'Access logs are versioned and retained in the region they describe; cross-region replication is a disaster-recovery choice of the account, not of this pair.');
  return logs;
}
