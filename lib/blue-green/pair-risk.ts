/**
 * A risk of a pair's deploy that could take its traffic down, refused at synth unless acknowledged with
 * `BlueGreenClusterPair.acknowledgeRisk`. They are errors, not warnings, because a warning of a stack
 * in a Stage (a pipeline's) is not shown by `cdk synth`.
 */
export enum PairRisk {
  /** A color goes from weight 0 to 100 in one deploy: all traffic to a color nobody has observed under load. */
  WEIGHT_JUMP = 'WeightJump',
  /** A color serves traffic without deletion protection: deleting its stack by mistake deletes the live cluster. */
  UNPROTECTED_LIVE_COLOR = 'UnprotectedLiveColor',
}

/** Every risk, in the order the guard checks them. */
export const PAIR_RISKS: readonly PairRisk[] = [PairRisk.WEIGHT_JUMP, PairRisk.UNPROTECTED_LIVE_COLOR];
