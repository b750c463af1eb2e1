import { ClusterSnapshot, clusterChange } from './cluster-change';
import { PAIR_COLORS, PairColor, colorKey, otherColor } from './pair-color';
import { PairRisk } from './pair-risk';
import { RecordedColor, RecordedPair } from './pair-state';
import { IReplacementRules } from '../model/change-verdicts';

/** A color as it is about to be deployed. */
export interface DesiredColor extends ClusterSnapshot, Pick<RecordedColor, 'addons' | 'nodegroups'> {
  readonly weight: number;
  readonly clusterName: string;
  readonly deletionProtection: boolean;
}

/** Everything the guards decide on; pure data, so a property test can drive it without synthesis. */
export interface GuardInput {
  /** Construct path of the pair, for messages. */
  readonly pair: string;
  /** `REPLACE` or `IN_PLACE`. */
  readonly upgradeStrategy: string;
  /** The last deployed state; undefined before the first `pair record`. */
  readonly recorded?: RecordedPair;
  readonly blue?: DesiredColor;
  readonly green?: DesiredColor;
  /** Failing flows of a color's connectivity proof; asked only for colors given weight above 0. */
  readonly proofFailures?: (color: PairColor) => string[];
  /**
   * The create-only properties the change-safety diff reads to tell a replaced resource from one
   * updated in place; asked only when a live color's cluster changes.
   *
   * @default - no schema: every change of a live color is named as an update
   */
  readonly replacementRules?: () => IReplacementRules;
  /**
   * Colors whose live cluster may be updated in place (nothing replaced or removed, the version kept),
   * with the reason `BlueGreenClusterPair.acknowledgeLiveUpdate` was given: `{ Blue: 'reason' }`.
   *
   * @default - none: any change of a live color is refused
   */
  readonly liveUpdates?: { readonly [color: string]: string };
  /**
   * Risks accepted with `BlueGreenClusterPair.acknowledgeRisk`, by color and risk, with the reason:
   * `{ Green: { WeightJump: 'reason' } }`. An accepted risk is a warning instead of an error.
   *
   * @default - none: every risk is refused
   */
  readonly acceptedRisks?: { readonly [color: string]: { readonly [risk: string]: string } };
}

const NO_SCHEMA: IReplacementRules = { replacementPaths: () => undefined };

/** A guard's warning: the annotation ID it is shown (and acknowledged) under, and its message. */
export interface GuardWarning {
  readonly id: string;
  readonly message: string;
}

export interface GuardResult {
  readonly errors: string[];
  readonly warnings: GuardWarning[];
}

/** The largest weight of a color: weights are percentages of the traffic. */
export const MAX_WEIGHT = 100;

/** All guards of a pair: weights, the live-color freeze, retirement, version steps and connectivity. */
export function checkPairChange(input: GuardInput): GuardResult {
  const errors: string[] = [];
  const warnings: GuardWarning[] = [];
  const say = (color: string, problem: string, fix: string) => `${input.pair}: color ${color}: ${problem} Fix: ${fix}`;

  const recordedStrategy = input.recorded?.upgradeStrategy;
  if (recordedStrategy !== undefined && recordedStrategy !== input.upgradeStrategy && PAIR_COLORS.some((c) => input.recorded?.[colorKey(c)] !== undefined)) {
    // The strategy names the clusters, so every other message would be a symptom (each cluster's Name changes): name the cause alone.
    return { warnings, errors: [`${input.pair}: the upgrade strategy cannot change while the pair has clusters: REPLACE puts the version in each `
      + `cluster's name and IN_PLACE does not, so the switch renames, and so replaces, the cluster of every color, the live one included; `
      + `got upgradeStrategy ${recordedStrategy} (recorded) -> ${input.upgradeStrategy}. Fix: keep upgradeStrategy: UpgradeStrategy.${recordedStrategy} for this pair; `
      + 'to upgrade another way, create a new pair (its own ID or namePrefix) with that strategy beside this one and move the traffic to it'] };
  }
  let total = 0;
  for (const color of PAIR_COLORS) {
    const key = colorKey(color);
    const desired = input[key];
    const recorded = input.recorded?.[key];
    const other = otherColor(color);
    if (desired !== undefined) {
      total += desired.weight;
      if (!Number.isInteger(desired.weight) || desired.weight < 0 || desired.weight > MAX_WEIGHT) {
        errors.push(say(color, `weight must be a whole number from 0 to ${MAX_WEIGHT}; got ${desired.weight}.`, `set ${key}.weight to a whole number between 0 and ${MAX_WEIGHT}`));
      }
    }
    // A risk that could take the traffic down is an error (a warning of a Stage's stack is not shown by `cdk synth`), or, accepted, a warning.
    const risk = (kind: PairRisk, id: string, problem: string, fix: string) => {
      const reason = input.acceptedRisks?.[color]?.[kind];
      if (reason === undefined) errors.push(say(color, problem, `${fix}; or accept the risk with pair.acknowledgeRisk(PairColor.${color.toUpperCase()}, PairRisk.${riskName(kind)}, '<reason>')`));
      else warnings.push({ id, message: `${input.pair}: color ${color}: ${problem} Accepted: "${reason}".` });
    };
    if (desired !== undefined && desired.weight > 0 && !desired.deletionProtection) {
      risk(PairRisk.UNPROTECTED_LIVE_COLOR, 'cdk-safe-eks:liveColorUnprotected',
        `it serves traffic (weight ${desired.weight}) without deletion protection, so deleting its stack by mistake deletes the cluster and its traffic with it.`,
        `protect it while its weight is 0 (${key}.deletionProtection true, deploy, \`cdk-safe-eks pair record\`), as \`cdk-safe-eks pair plan\` does before the first shift`);
    }
    if (input.recorded === undefined) {
      if (desired !== undefined && desired.weight > 0) errors.push(...proof(input, color, desired, say));
      continue;
    }
    if (desired === undefined) {
      if (recorded !== undefined) errors.push(...retirement(color, key, other, recorded, say));
      continue;
    }
    const freeze = liveColorFreeze(input, color, other, recorded, desired, say);
    if (freeze.error !== undefined) errors.push(freeze.error);
    if (freeze.warning !== undefined) warnings.push(freeze.warning);
    // A frozen live color has its error already; the version rules (and their fixes) are for a color that may change.
    if (recorded !== undefined && recorded.version !== desired.version && freeze.error === undefined) {
      errors.push(...versionStep(input.upgradeStrategy, color, key, recorded, desired, say));
    }
    if (desired.weight > 0) errors.push(...proof(input, color, desired, say));
    if (recorded !== undefined && recorded.weight === 0 && desired.weight === MAX_WEIGHT) {
      risk(PairRisk.WEIGHT_JUMP, 'cdk-safe-eks:weightJump', `weight jumps from 0 to ${MAX_WEIGHT} in one deploy, with no canary: if ${color} fails under load, all traffic fails with it.`,
        `shift 10, then 50, then 100 (\`cdk-safe-eks pair plan\`), observing ${color} between steps`);
    }
  }
  if (input.blue === undefined && input.green === undefined) {
    errors.push(`${input.pair}: a pair needs a color that serves traffic; got blue and green both retired. `
      + `Fix: keep the live color's options (weight ${MAX_WEIGHT}); to remove the whole pair, delete its stacks with \`cdk destroy\`.`);
  } else if (total !== MAX_WEIGHT) {
    errors.push(`${input.pair}: weights must sum to ${MAX_WEIGHT}; got blue ${input.blue?.weight ?? 'retired'} + green ${input.green?.weight ?? 'retired'} = ${total}. `
      + `Fix: set blue.weight and green.weight so that they add up to ${MAX_WEIGHT}.`);
  }
  return { errors, warnings };
}

/**
 * A color whose recorded or new weight is above 0 keeps its cluster: any change is an error, except
 * an update in place of a color given to `acknowledgeLiveUpdate`, which is a warning. The change is
 * described only for a live color: the idle color changes freely, and never pays for the diff.
 */
function liveColorFreeze(input: GuardInput, color: string, other: string, recorded: RecordedColor | undefined, desired: DesiredColor,
  say: (color: string, problem: string, fix: string) => string): { error?: string; warning?: GuardWarning } {
  const live = (recorded?.weight ?? 0) > 0 || desired.weight > 0;
  const change = !live ? undefined : recorded === undefined ? { description: 'a new cluster would be created', inPlaceOnly: false }
    : clusterChange(recorded, desired, input.replacementRules ?? (() => NO_SCHEMA));
  if (change === undefined) return {};
  const acknowledged = input.liveUpdates?.[color];
  if (acknowledged !== undefined && change.inPlaceOnly) {
    return {
      warning: {
        id: 'cdk-safe-eks:liveColorUpdated',
        message: `${input.pair}: color ${color}: it serves traffic and its cluster is updated in place, as acknowledged ("${acknowledged}"): ${change.description}.`,
      },
    };
  }
  const serving = `it serves traffic (recorded weight ${recorded?.weight ?? 0}, new weight ${desired.weight}), so its cluster must not change`;
  // An idle color that gets weight in the same deploy as its change: the change goes first, alone.
  const wayOut = (recorded?.weight ?? 0) === 0
    ? `deploy the change with ${color.toLowerCase()}.weight 0 first and run \`cdk-safe-eks pair record\`, then shift traffic to ${color} (\`cdk-safe-eks pair plan\` prints the steps)`
    : `leave ${color} as recorded and make the change on the color at weight 0 (${other}, once it has no traffic; \`cdk-safe-eks pair plan\` prints the steps)`;
  if (acknowledged !== undefined) {
    return {
      error: say(color, `${serving} other than by updates in place, which acknowledgeLiveUpdate accepts; got ${change.description}.`,
        `${wayOut}: a replaced or removed resource, or a new version, takes the live cluster down with it`),
    };
  }
  return {
    error: say(color, `${serving}; got ${change.description}.`,
      (recorded?.weight ?? 0) === 0 ? wayOut
        : `${wayOut}, or first shift ${color}'s weight to 0 alone, deploy the Traffic stack and run \`cdk-safe-eks pair record\``
        + (change.inPlaceOnly ? `; this change is an update in place, so if it must reach the live cluster (a node group's size, a library release's new tag), `
          + `acknowledge it with pair.acknowledgeLiveUpdate(PairColor.${color.toUpperCase()}, '<reason>')` : '')),
  };
}

function retirement(color: string, key: string, other: string, recorded: RecordedColor,
  say: (color: string, problem: string, fix: string) => string): string[] {
  if (recorded.weight > 0) {
    return [say(color, `it cannot be retired while it serves traffic; got recorded weight ${recorded.weight} -> retired.`,
      `shift all traffic to ${other} first (${key}.weight 0), deploy the Traffic stack, run \`cdk-safe-eks pair record\`, then retire ${color}`)];
  }
  if (recorded.deletionProtection) {
    return [say(color, `it is retired in two steps and its cluster ${recorded.clusterName} still has deletion protection; got deletionProtection true -> retired.`,
      `first deploy ${color} with \`deletionProtection: false\` and run \`cdk-safe-eks pair record\`, then remove \`${key}\``)];
  }
  return [];
}

function versionStep(strategy: string, color: string, key: string, recorded: RecordedColor, desired: DesiredColor,
  say: (color: string, problem: string, fix: string) => string): string[] {
  const from = minor(recorded.version);
  const to = minor(desired.version);
  if (strategy === 'IN_PLACE' && (to === undefined || from === undefined || to !== from + 1)) {
    if (from !== undefined && to !== undefined && to < from) {
      return [say(color, `IN_PLACE moves a cluster one minor version up at a time, and EKS cannot downgrade a cluster; got ${recorded.version} -> ${desired.version}.`,
        `set ${key}.version back to ${recorded.version}; to run ${desired.version}, use UpgradeStrategy.REPLACE, which recreates the cluster at any version`)];
    }
    return [say(color, `IN_PLACE moves a cluster one minor version up at a time; got ${recorded.version} -> ${desired.version}.`,
      from === undefined ? 'set the recorded version first'
        : `set ${key}.version to 1.${from + 1}, deploy it and run \`cdk-safe-eks pair record\` first, or use UpgradeStrategy.REPLACE, which recreates the cluster at any version`)];
  }
  if (strategy !== 'IN_PLACE' && recorded.deletionProtection) {
    return [say(color, `REPLACE recreates the cluster (${recorded.clusterName}) for ${recorded.version} -> ${desired.version}, and the old one has deletion protection, so CloudFormation could not delete it.`,
      `first deploy ${color} at ${recorded.version} with \`deletionProtection: false\` and run \`cdk-safe-eks pair record\`, then change its version`)];
  }
  return [];
}

function proof(input: GuardInput, color: PairColor, desired: DesiredColor,
  say: (color: string, problem: string, fix: string) => string): string[] {
  const failures = input.proofFailures?.(color) ?? [];
  if (failures.length === 0) return [];
  return [say(color, `it may not receive weight ${desired.weight}: its connectivity proof fails (before or after the incident replay): ${failures.join('; ')}.`,
    'keep its weight at 0 until `cdk-safe-eks verify --replay` passes for it; add the missing rules named above')];
}

/** The name of `risk` as code writes it (`PairRisk.WEIGHT_JUMP`). */
function riskName(risk: PairRisk): string {
  return Object.entries(PairRisk).find(([, value]) => value === risk)![0];
}

/** The minor number of "1.N", or undefined. */
export function minor(version: string): number | undefined {
  const m = /^1\.(\d+)$/.exec(version);
  return m ? Number(m[1]) : undefined;
}
