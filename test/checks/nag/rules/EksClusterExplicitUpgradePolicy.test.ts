import { CfnResource } from 'aws-cdk-lib';
import { SafeCluster, UpgradeSupportType } from '../../../../lib';
import { EksClusterExplicitUpgradePolicy } from '../../../../lib/checks/nag/rules';
import { testStack, testVpc } from '../../../helpers';
import { VERSION, l1Cluster, plainV2Cluster, reports, v1Cluster } from '../utils';

const rule = EksClusterExplicitUpgradePolicy;

describe('EksClusterExplicitUpgradePolicy: UpgradePolicy.SupportType is EXTENDED', () => {
  test('Noncompliance 1: L2 aws-eks-v2 and aws-eks (v1) defaults leave it unset', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    plainV2Cluster(stack, vpc);
    v1Cluster(stack, vpc);
    expect(reports(stack, rule)).toEqual(['Test/Cluster/Resource', 'Test/V1Cluster/Resource/Resource/Default']);
  });

  test('Noncompliance 2: L2 SafeCluster and L1 cluster set to STANDARD', () => {
    const stack = testStack();
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc: testVpc(stack), defaultCapacity: 0, upgradeSupportType: UpgradeSupportType.STANDARD });
    l1Cluster(stack, 'L1', { upgradePolicy: { supportType: 'STANDARD' } });
    expect(reports(stack, rule)).toEqual(['Test/L1', 'Test/Safe/Cluster/Resource']);
  });

  test('Compliance', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 0 });
    l1Cluster(stack, 'L1', { upgradePolicy: { supportType: 'EXTENDED' } });
    // aws-eks (v1) passes its Config to the CreateCluster API, which accepts upgradePolicy.
    const v1 = v1Cluster(stack, vpc);
    (v1.node.findChild('Resource').node.findChild('Resource').node.defaultChild as CfnResource)
      .addPropertyOverride('Config.upgradePolicy', { supportType: 'EXTENDED' });
    expect(reports(stack, rule)).toEqual([]);
  });
});
