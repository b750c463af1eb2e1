import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AssemblyFile } from './assembly-file-synthesizer';
import { PairColor } from './pair-color';
import { ISharedExports } from './shared-exports';
import { ISafeCluster } from '../cluster/i-safe-cluster';

/** What a `BlueGreenClusterPair` gives its traffic shift when it binds it, once its Shared stack has its VPC. */
export interface TrafficShiftBindOptions {
  /** ID of the pair, for descriptions and manifests. */
  readonly pairId: string;
  /** The Shared stack: what the shift shares between the colors lives here, never changed by a color. */
  readonly sharedStack: Stack;
  /** The VPC of both colors. */
  readonly vpc: ec2.IVpc;
  /** The VPC's CIDR block, literal, so that checks can read rules that name it. */
  readonly vpcCidr: string;
  /** Prefix of the pair's names (`namePrefix`). */
  readonly namePrefix: string;
  /** Exports of the Shared stack under fixed names, and their imports in the color and Traffic stacks. */
  readonly sharedExports: ISharedExports;
}

/** One color, as its stack is built. */
export interface TrafficShiftColor {
  /** The color. */
  readonly color: PairColor;
  /** The color's stack. */
  readonly stack: Stack;
  /** The color's cluster. */
  readonly cluster: ISafeCluster;
}

/** What a traffic shift built in a color's stack. */
export interface TrafficShiftColorBinding {
  /** Files to write into the cloud assembly beside the color's template (manifests). */
  readonly files: AssemblyFile[];
  /**
   * The color's target group, imported into its stack: its guardrail alarms watch it.
   *
   * @default - none: the shift has no target group of the pair's
   */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;
}

/** The weight of one color, as the Traffic stack writes it. */
export interface TrafficShiftWeight {
  /** The color. */
  readonly color: PairColor;
  /** Its share of the traffic, from 0 to 100. */
  readonly weight: number;
  /** The color has no cluster (not created yet, or retired). */
  readonly retired: boolean;
}

/**
 * A traffic shift bound to one pair: what it builds in the Shared stack is built, and it builds its part
 * of each color's stack and of the Traffic stack when the pair asks.
 */
export interface ITrafficShiftBinding {
  /**
   * The load balancer the shift shares between the colors.
   *
   * @default - none: the shift has no load balancer of the pair's
   */
  readonly loadBalancer?: elbv2.ApplicationLoadBalancer;
  /**
   * Builds the shift's part of a color's stack (rules that let traffic reach the nodes, manifests) and
   * returns what the pair needs of it: the files for the cloud assembly, the color's target group.
   */
  bindColor(color: TrafficShiftColor): TrafficShiftColorBinding;
  /** Builds the weights in the Traffic stack, the only stack a shift between the colors changes. */
  bindWeights(stack: Stack, weights: TrafficShiftWeight[]): void;
}
