/** What a data store is; it picks the constant description of the store's security group. */
export enum DataStoreKind {
  /** A database (`cdk-safe-eks database`). */
  DATABASE = 'database',
  /** A cache (`cdk-safe-eks cache`). */
  CACHE = 'cache',
}
