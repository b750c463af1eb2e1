/** The two colors of a pair. */
export enum PairColor {
  /** The Blue color (stack `<id>-Blue`). */
  BLUE = 'Blue',
  /** The Green color (stack `<id>-Green`). */
  GREEN = 'Green',
}

/** Both colors, Blue first: the one list the pair, its guards, its traffic shifts and the CLI go through. */
export const PAIR_COLORS: readonly PairColor[] = [PairColor.BLUE, PairColor.GREEN];

/** How props, the state file and the guards' input name a color: `blue` or `green`. */
export type ColorKey = 'blue' | 'green';

/** The key of `color` in props and the state file. */
export function colorKey(color: PairColor): ColorKey {
  return color === PairColor.BLUE ? 'blue' : 'green';
}

/** The color that is not `color`. */
export function otherColor(color: PairColor): PairColor {
  return color === PairColor.BLUE ? PairColor.GREEN : PairColor.BLUE;
}
