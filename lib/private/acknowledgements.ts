import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
