/** How the idle color of a `BlueGreenClusterPair` moves to a new Kubernetes version. Either way only the idle color changes. */
export enum UpgradeStrategy {
  /**
   * The idle color's cluster is recreated at the new version under a new name (`<prefix>-<color>-1-35`),
   * so versions may jump and nothing is upgraded in place. The old cluster must have deletion protection
   * off (recorded) before its version changes.
   */
  REPLACE = 'REPLACE',
  /** The idle color's cluster keeps its name and moves one minor version at a time, in place. */
  IN_PLACE = 'IN_PLACE',
}
