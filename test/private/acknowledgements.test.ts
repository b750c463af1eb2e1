import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeEksManagedPolicies } from '../../lib/private/acknowledgements';

function roleWith(policies: string[]) {
  const stack = new Stack();
  const role = new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('eks.amazonaws.com'),
    managedPolicies: policies.map((p) => iam.ManagedPolicy.fromAwsManagedPolicyName(p)),
  });
  return { stack, role };
}

function iam4Findings(stack: Stack): string[] {
  return new AwsSolutionsChecks(stack).validateScope(stack).violations
    .map((v) => v.ruleName).filter((name) => name.startsWith('AwsSolutions-IAM4'));
}

describe('acknowledgeEksManagedPolicies', () => {
  test('acknowledges exactly the named policies, one finding each', () => {
    const { stack, role } = roleWith(['AmazonEKSClusterPolicy', 'AdministratorAccess']);
    const policyFinding = (p: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${p}]`;
    expect(iam4Findings(stack).sort()).toEqual([policyFinding('AdministratorAccess'), policyFinding('AmazonEKSClusterPolicy')]);
    acknowledgeEksManagedPolicies(role, ['AmazonEKSClusterPolicy'], 'EKS documents this policy for the cluster role.');
    expect(iam4Findings(stack)).toEqual([policyFinding('AdministratorAccess')]);
  });
});
