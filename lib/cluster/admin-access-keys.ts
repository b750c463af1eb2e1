import { createHash } from 'crypto';
import { Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { SafeEksFeatureFlags, featureFlagEnabled } from './feature-flags';

/**
 * The construct IDs (and so the logical IDs) of a cluster's admin access entries. EKS allows one entry per
 * principal, and CloudFormation creates an entry under a new logical ID before it deletes the old one, so
 * an entry must keep its ID for as long as its principal stays: with
 * `SafeEksFeatureFlags.ADMIN_ACCESS_ENTRY_BY_PRINCIPAL` the ID is a hash of the principal's ARN as the
 * template writes it (a literal, or its stable reference), never its position or the number of admins.
 * Without the flag, the keys of 0.1 (`Admin0` for a single role, else by the role's construct path) stay,
 * so no deployed entry moves until the app turns the flag on (CHANGELOG says how to migrate).
 */
export function adminAccessEntryKeys(scope: IConstruct, roles: iam.IRole[]): string[] {
  if (featureFlagEnabled(scope, SafeEksFeatureFlags.ADMIN_ACCESS_ENTRY_BY_PRINCIPAL)) {
    const stack = Stack.of(scope);
    return roles.map((role) => `Admin${createHash('sha256').update(JSON.stringify(stack.resolve(role.roleArn))).digest('hex').slice(0, 8).toUpperCase()}`);
  }
  return roles.map((role) => roles.length === 1 ? 'Admin0' : `Admin${Names.nodeUniqueId(role.node)}`);
}
