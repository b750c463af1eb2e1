import { Stack } from 'aws-cdk-lib';
import * as eksv1 from 'aws-cdk-lib/aws-eks';
import { SafeCluster } from '../../../../lib';
import { EksClusterControlPlaneLogsComplete } from '../../../../lib/checks/nag/rules';
import { testStack, testVpc } from '../../../helpers';
import { VERSION, l1Cluster, plainV2Cluster, reports, v1Cluster } from '../utils';

const rule = EksClusterControlPlaneLogsComplete;
const ALL_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

function withLogs(stack: Stack, id: string, types: string[]): void {
  l1Cluster(stack, id, { logging: { clusterLogging: { enabledTypes: types.map((type) => ({ type })) } } });
}

describe('EksClusterControlPlaneLogsComplete: all five control-plane log types are exported', () => {
  test('Noncompliance 1: L2 aws-eks-v2 defaults (no logs): one finding per type', () => {
    const stack = testStack();
    plainV2Cluster(stack, testVpc(stack));
    expect(reports(stack, rule)).toEqual(ALL_TYPES.map((t) => `Test/Cluster/Resource [LogExport::${t}]`).sort());
  });

  test('Noncompliance 2: L2 aws-eks (v1) with api only', () => {
    const stack = testStack();
    v1Cluster(stack, testVpc(stack), { clusterLogging: [eksv1.ClusterLoggingTypes.API] });
    expect(reports(stack, rule)).toEqual(ALL_TYPES.filter((t) => t !== 'api')
      .map((t) => `Test/V1Cluster/Resource/Resource/Default [LogExport::${t}]`).sort());
  });

  test('Noncompliance 3: L1 cluster with api and audit only', () => {
    const stack = testStack();
    withLogs(stack, 'L1', ['api', 'audit']);
    expect(reports(stack, rule)).toEqual(['authenticator', 'controllerManager', 'scheduler'].map((t) => `Test/L1 [LogExport::${t}]`));
  });

  test('Compliance', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 0 });
    v1Cluster(stack, vpc, { clusterLogging: Object.values(eksv1.ClusterLoggingTypes) });
    withLogs(stack, 'L1', ALL_TYPES);
    expect(reports(stack, rule)).toEqual([]);
  });
});
