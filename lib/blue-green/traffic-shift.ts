import { Construct } from 'constructs';
import { AlbWeightedOptions, AlbWeightedTraffic } from './alb-weighted-traffic';
import { TRAFFIC_SHIFT_BRAND, checkAlbWeightedOptions, checkRoute53WeightedOptions } from './traffic-shift-checks';
import { Route53WeightedOptions, Route53WeightedTraffic } from './route53-weighted-traffic';
import { ITrafficShiftBinding, TrafficShiftBindOptions } from './traffic-shift-binding';

/**
 * How a `BlueGreenClusterPair` splits traffic between its colors. The Traffic stack holds only the
 * weights; what else a shift needs (a load balancer, records) it builds itself when the pair binds it.
 */
export abstract class TrafficShift {
  /**
   * A shared Application Load Balancer in the Shared stack, with an HTTPS listener and one target group
   * per color; the Traffic stack holds only the listener rule's weighted forward action. A shift is
   * instant and reversible, with no DNS caches involved. Recommended.
   */
  public static albWeighted(options: AlbWeightedOptions): TrafficShift {
    checkAlbWeightedOptions(options);
    return new AlbWeighted(options);
  }

  /**
   * Route 53 weighted records (set identifiers `blue` and `green`) for teams that keep an ingress per
   * cluster. A shift waits on the TTL and on client DNS caches, and the load balancers are not in the
   * assembly, so their flows to nodes are not proven here.
   */
  public static route53Weighted(options: Route53WeightedOptions): TrafficShift {
    checkRoute53WeightedOptions(options);
    return new Route53Weighted(options);
  }

  protected constructor() {
    // Marks shifts made by this class: an object literal of the same shape compiles, but would build nothing.
    Object.defineProperty(this, TRAFFIC_SHIFT_BRAND, { value: true });
  }

  /**
   * Called once by the pair, when its Shared stack has its VPC: builds what the colors share and returns
   * the binding that builds the shift's part of each color's stack and of the Traffic stack.
   *
   * @param pair the pair, which errors name
   */
  public abstract bind(pair: Construct, options: TrafficShiftBindOptions): ITrafficShiftBinding;
}

class AlbWeighted extends TrafficShift {
  constructor(private readonly options: AlbWeightedOptions) {
    super();
  }

  public bind(pair: Construct, options: TrafficShiftBindOptions): ITrafficShiftBinding {
    return new AlbWeightedTraffic(pair, this.options, options);
  }
}

class Route53Weighted extends TrafficShift {
  constructor(private readonly options: Route53WeightedOptions) {
    super();
  }

  public bind(pair: Construct): ITrafficShiftBinding {
    return new Route53WeightedTraffic(pair, this.options);
  }
}
