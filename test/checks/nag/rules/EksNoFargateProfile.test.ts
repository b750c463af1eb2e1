import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { SafeCluster } from '../../../../lib';
import { EksNoFargateProfile } from '../../../../lib/checks/nag/rules';
import { testStack, testVpc } from '../../../helpers';
import { VERSION, plainV2Cluster, reports, v1Cluster } from '../utils';

const rule = EksNoFargateProfile;
const selectors = [{ namespace: 'batch' }];

describe('EksNoFargateProfile: no Fargate profile (its pods always use the EKS-created group)', () => {
  test('Noncompliance 1: L2 aws-eks-v2, aws-eks (v1, custom resource) and SafeCluster profiles', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    plainV2Cluster(stack, vpc).addFargateProfile('V2', { selectors });
    v1Cluster(stack, vpc).addFargateProfile('V1', { selectors });
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 0 }).addFargateProfile('Safe', { selectors });
    expect(reports(stack, rule)).toEqual([
      'Test/Cluster/fargate-profile-V2/Resource',
      'Test/Safe/Cluster/fargate-profile-Safe/Resource',
      'Test/V1Cluster/fargate-profile-V1/Resource/Default',
    ]);
  });

  test('Noncompliance 2: L1 profile', () => {
    const stack = testStack();
    new eks.CfnFargateProfile(stack, 'L1', { clusterName: 'payments', podExecutionRoleArn: 'arn:aws:iam::111111111111:role/pods', selectors });
    expect(reports(stack, rule)).toEqual(['Test/L1']);
  });

  test('Compliance', () => {
    const stack = testStack();
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc: testVpc(stack), defaultCapacity: 1 });
    expect(reports(stack, rule)).toEqual([]);
  });
});
