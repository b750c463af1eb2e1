import { Duration, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { PairColor } from './pair-color';
import { ITrafficShiftBinding, TrafficShiftColorBinding, TrafficShiftWeight } from './traffic-shift-binding';
import { SafeEksError } from '../private/errors';

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

/** TTL of route53Weighted records: a shift, and a rollback, waits on DNS caches this long at most. */
const DEFAULT_RECORD_TTL = Duration.seconds(60);

/**
 * `TrafficShift.route53Weighted` bound to a pair: one weighted CNAME record per color with a cluster, in
 * the Traffic stack. Each color's ingress is its own (and outside the assembly), so nothing is built in
 * Shared or in the colors' stacks.
 */
export class Route53WeightedTraffic implements ITrafficShiftBinding {
  constructor(private readonly pair: Construct, private readonly options: Route53WeightedOptions) {}

  public bindColor(): TrafficShiftColorBinding {
    return { files: [] };
  }

  public bindWeights(stack: Stack, weights: TrafficShiftWeight[]): void {
    for (const { color, weight, retired } of weights) {
      if (retired) continue;
      const dnsName = color === PairColor.BLUE ? this.options.blueDnsName : this.options.greenDnsName;
      if (dnsName === undefined) {
        if (weight > 0) {
          throw new SafeEksError(this.pair, 'MissingDnsName', `color ${color} has weight ${weight} but route53Weighted has no DNS name for it.`,
            'undefined', `set ${color.toLowerCase()}DnsName in TrafficShift.route53Weighted to the DNS name of ${color}'s ingress`);
        }
        continue;
      }
      new route53.CnameRecord(stack, `${color}Record`, {
        zone: this.options.zone, recordName: this.options.recordName, domainName: dnsName,
        ttl: this.options.ttl ?? DEFAULT_RECORD_TTL, weight, setIdentifier: color.toLowerCase(),
      });
    }
  }
}
