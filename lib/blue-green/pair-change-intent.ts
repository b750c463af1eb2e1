import { requireArgument } from '../model/argument-checks';
import { ChangeIntentVerdict, IChangeIntent, ProtectedChange } from '../model/change-intent';
import { ChangeKind } from '../model/change-verdicts';
import { PAIR_COLOR_METADATA_KEY } from '../model/intent';
import { isPlainObject } from '../model/template-diff';

export { PAIR_COLOR_METADATA_KEY };
/** Template metadata of a pair's Traffic stack: `{ pair, weights: { Blue: n, Green: n } }`, `pair` being its construct path. */
export const PAIR_WEIGHTS_METADATA_KEY = 'cdk-safe-eks:pair-weights';

/**
 * What a `BlueGreenClusterPair` means by the changes of its idle color, for `ChangeSafety.compare` (and
 * `cdk-safe-eks diff`, which registers it): read from the color each cluster records and the weights the
 * Traffic stack records, deployed and about to be. A color is idle only at weight 0 on both sides: one deploy
 * that replaces a color and gives it weight sends traffic to a new, empty cluster. Replacing the cluster of
 * an idle color without deletion protection is the REPLACE strategy's upgrade, and removing it retires the
 * color; a color that still has deletion protection, or gains weight in the same deploy, gets a note on
 * what to do first, and its change stays unsafe.
 */
export class PairChangeIntent implements IChangeIntent {
  public judge(change: ProtectedChange): ChangeIntentVerdict | undefined {
    checkProtectedChange(change);
    const idle = idleColor(change);
    if (idle === undefined) return undefined;
    const where = `${change.stack}/${change.logicalId}: the idle ${idle.color} cluster of pair ${idle.pair}`;
    if (idle.weightAfter !== 0) {
      return {
        intended: false,
        note: `${where} is ${change.change} while this deploy ${idle.weightAfter === undefined ? 'drops the pair\'s Traffic stack or its weights' : `gives it weight ${idle.weightAfter}`}: `
          + 'traffic would reach a new, empty cluster. Deploy the color at weight 0 first and shift in a later deploy (`cdk-safe-eks pair plan` prints the steps).',
      };
    }
    if (change.change === ChangeKind.REMOVED) {
      if (change.deletionProtected) return undefined;
      return {
        intended: true, retiresStack: true,
        note: `${where} (weight 0, not protected) is removed: the color is retired, as the last step of \`cdk-safe-eks pair plan\` intends.`,
      };
    }
    if (change.change !== ChangeKind.REPLACED) return undefined;
    return change.deletionProtected
      ? {
        intended: false,
        note: `${where} is replaced, but it is still deletion-protected: CloudFormation cannot delete the old cluster. `
          + 'Deploy the idle color with deletionProtection: false first (the first step of `cdk-safe-eks pair plan`).',
      }
      : { intended: true, note: `${where} (weight 0, not protected) is replaced at its new version, as the REPLACE strategy intends.` };
  }
}

/**
 * The pair and color of a cluster a pair marked, when the deployed Traffic stack of that pair gives the
 * color weight 0, with the weight the deploy gives it (undefined when the new templates record none).
 */
function idleColor(change: ProtectedChange): { pair: string; color: string; weightAfter: unknown } | undefined {
  const mark = objectOr(change.before.Metadata)[PAIR_COLOR_METADATA_KEY];
  if (change.before.Type !== 'AWS::EKS::Cluster' || !isPlainObject(mark) || typeof mark.pair !== 'string' || typeof mark.color !== 'string') return undefined;
  const weightIn = (metadata: { [stack: string]: unknown }) => (Object.values(metadata).map((m) => objectOr(m)[PAIR_WEIGHTS_METADATA_KEY])
    .find((w) => isPlainObject(w) && w.pair === mark.pair) as { weights?: { [color: string]: unknown } } | undefined)?.weights?.[mark.color as string];
  return weightIn(change.templateMetadataBefore) === 0
    ? { pair: mark.pair, color: mark.color, weightAfter: weightIn(objectOr(change.templateMetadataAfter)) }
    : undefined;
}

function objectOr(value: unknown): { [key: string]: unknown } {
  return isPlainObject(value) ? value : {};
}

/** A jsii caller may call `judge` itself: the fields it reads, of the types `ChangeSafety.compare` gives. */
function checkProtectedChange(change: unknown): void {
  const where = 'PairChangeIntent.judge';
  requireArgument(where, 'change', change, 'object');
  const c = change as { [key: string]: unknown };
  for (const name of ['stack', 'logicalId', 'change']) requireArgument(where, `change.${name}`, c[name], 'string');
  for (const name of ['before', 'templateMetadataBefore', 'templateMetadataAfter']) requireArgument(where, `change.${name}`, c[name], 'object');
  requireArgument(where, 'change.deletionProtected', c.deletionProtected, 'boolean');
}
