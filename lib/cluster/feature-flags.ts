import { IConstruct } from 'constructs';
import { SafeEksError, show } from '../private/errors';

/**
 * Context keys (cdk.json `context`) that turn on behaviour which would change resources an existing app
 * has already deployed, the way aws-cdk-lib ships such behaviour: new apps set them to true, an existing
 * app keeps them off until it chooses. docs/addons.md ("Feature flags") says what each one changes.
 */
export class SafeEksFeatureFlags {
  /**
   * New clusters are created with `BootstrapSelfManagedAddons: false`: EKS installs no self-managed
   * VPC CNI, kube-proxy or CoreDNS, so the managed add-ons SafeCluster declares are the only copies.
   * The property is create-only: turning the flag on for a deployed cluster replaces it.
   */
  public static readonly NO_SELF_MANAGED_ADDONS = '@cdk-safe-eks/cluster:noSelfManagedAddons';
  /**
   * Managed node groups pin their Kubernetes version and AMI release version (AL2023) to literals from
   * the library's table. For a deployed node group the first pin rolls its nodes once, to that AMI.
   */
  public static readonly PIN_NODEGROUP_RELEASE_VERSION = '@cdk-safe-eks/nodegroup:pinReleaseVersion';
  /**
   * Each admin access entry is keyed by its principal's ARN, so adding, removing or reordering
   * `adminRoles` leaves every other entry where it is. Turning it on for a deployed cluster moves its
   * entries to new logical IDs: move them with `cdk refactor` (CHANGELOG 0.2.0 says how), since a plain
   * deploy would create each entry before deleting the old one, which EKS refuses.
   */
  public static readonly ADMIN_ACCESS_ENTRY_BY_PRINCIPAL = '@cdk-safe-eks/cluster:adminAccessEntryByPrincipal';

  /** The context new apps start with: every flag on. */
  public static readonly NEW_APP_CONTEXT: { [key: string]: boolean } = {
    [SafeEksFeatureFlags.NO_SELF_MANAGED_ADDONS]: true,
    [SafeEksFeatureFlags.PIN_NODEGROUP_RELEASE_VERSION]: true,
    [SafeEksFeatureFlags.ADMIN_ACCESS_ENTRY_BY_PRINCIPAL]: true,
  };

  private constructor() {}
}

/** Whether `flag` is on in `scope`'s context: true or "true" (from `-c`) turns it on, unset, false or "false" leave it off. */
export function featureFlagEnabled(scope: IConstruct, flag: string): boolean {
  const value: unknown = scope.node.tryGetContext(flag);
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new SafeEksError(scope, 'FeatureFlagValue', `the context value of ${flag} must be true or false.`, show(value),
    `set "${flag}": true in cdk.json for new apps, or leave it out`);
}
