import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { TRAFFIC_SHIFT_BRAND, checkAlbWeightedOptions, checkRoute53WeightedOptions } from './pair-input-checks';

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

/** Options of `TrafficShift.route53Weighted`. */
export interface Route53WeightedOptions {
  /** The hosted zone of the record. */
  readonly zone: route53.IHostedZone;
  /** Name of the weighted record, relative to the zone or fully qualified. */
  readonly recordName: string;
  /**
   * DNS name of the Blue color's own ingress (the load balancer its controller created).
   *
   * @default - no record for Blue; required while Blue has weight above 0
   */
  readonly blueDnsName?: string;
  /**
   * DNS name of the Green color's own ingress.
   *
   * @default - no record for Green; required while Green has weight above 0
   */
  readonly greenDnsName?: string;
  /**
   * TTL of the records: a shift takes effect only after it.
   *
   * @default Duration.seconds(60)
   */
  readonly ttl?: Duration;
}

/** Which mechanism a `TrafficShift` uses. */
export enum TrafficShiftKind {
  /** A weighted forward action on a listener of a shared Application Load Balancer. */
  ALB_WEIGHTED = 'ALB_WEIGHTED',
  /** Route 53 weighted records, one per color, with set identifiers. */
  ROUTE53_WEIGHTED = 'ROUTE53_WEIGHTED',
}

/** How a `BlueGreenClusterPair` splits traffic between its colors. The Traffic stack holds only the weights. */
export class TrafficShift {
  /**
   * A shared Application Load Balancer in the Shared stack, with an HTTPS listener and one target group
   * per color; the Traffic stack holds only the listener rule's weighted forward action. A shift is
   * instant and reversible, with no DNS caches involved. Recommended.
   */
  public static albWeighted(options: AlbWeightedOptions): TrafficShift {
    checkAlbWeightedOptions(options);
    return new TrafficShift(TrafficShiftKind.ALB_WEIGHTED, options, undefined);
  }

  /**
   * Route 53 weighted records (set identifiers `blue` and `green`) for teams that keep an ingress per
   * cluster. A shift waits on the TTL and on client DNS caches, and the load balancers are not in the
   * assembly, so their flows to nodes are not proven here.
   */
  public static route53Weighted(options: Route53WeightedOptions): TrafficShift {
    checkRoute53WeightedOptions(options);
    return new TrafficShift(TrafficShiftKind.ROUTE53_WEIGHTED, undefined, options);
  }

  /** The mechanism. */
  public readonly kind: TrafficShiftKind;
  /** Options when `kind` is `ALB_WEIGHTED`. */
  public readonly albOptions?: AlbWeightedOptions;
  /** Options when `kind` is `ROUTE53_WEIGHTED`. */
  public readonly route53Options?: Route53WeightedOptions;

  private constructor(kind: TrafficShiftKind, alb: AlbWeightedOptions | undefined, route53Options: Route53WeightedOptions | undefined) {
    this.kind = kind;
    this.albOptions = alb;
    this.route53Options = route53Options;
    // Marks instances made by the factories: an object literal of the same shape compiles, but has no listener or records behind it.
    Object.defineProperty(this, TRAFFIC_SHIFT_BRAND, { value: true });
  }
}
