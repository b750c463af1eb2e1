import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges each of `ids` (cdk-nag rules, cdk-validator-cfnguard checks) on `scope` with one reason:
 * several rule sets often report the same fact under their own IDs.
 */
export function acknowledgeRules(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges cdk-nag AwsSolutions-IAM4 for the AWS managed policies EKS documents as the way to
 * grant a cluster or node role its permissions. One acknowledgement per policy, so a new managed
 * policy added later still surfaces.
 */
export function acknowledgeEksManagedPolicies(scope: IConstruct, policies: string[], reason: string): void {
  for (const policy of policies) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
      reason,
    });
  }
}
