import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Denies `kms:CreateGrant` on a key the library creates unless the grant is for an AWS resource or
 * the caller is an AWS service (AWS Control Tower proactive control CT.KMS.PR.3). The services that
 * use these keys (EKS, RDS, ElastiCache, Secrets Manager, CloudWatch Logs, AWS Backup) create their
 * grants on behalf of a resource, so they keep working; a principal in the account can no longer hand
 * out a grant that outlives its own permissions.
 */
export function limitGrantsToAwsResources(key: kms.Key): kms.Key {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}
