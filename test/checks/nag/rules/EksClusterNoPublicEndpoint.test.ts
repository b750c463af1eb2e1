import { CfnParameter } from 'aws-cdk-lib';
import * as eksv1 from 'aws-cdk-lib/aws-eks';
import { SafeCluster } from '../../../../lib';
import { EksClusterNoPublicEndpoint } from '../../../../lib/checks/nag/rules';
import { testStack, testVpc } from '../../../helpers';
import { SUBNETS, VERSION, l1Cluster, plainV2Cluster, reports, v1Cluster } from '../utils';

const rule = EksClusterNoPublicEndpoint;

describe('EksClusterNoPublicEndpoint: the Kubernetes API endpoint is not public', () => {
  test('Noncompliance 1: L2 aws-eks-v2 defaults (public to 0.0.0.0/0)', () => {
    const stack = testStack();
    plainV2Cluster(stack, testVpc(stack));
    expect(reports(stack, rule)).toEqual(['Test/Cluster/Resource [PublicAccessCidr::0.0.0.0/0]']);
  });

  test('Noncompliance 2: L2 aws-eks (v1) public endpoint restricted to two ranges: one finding per range', () => {
    const stack = testStack();
    v1Cluster(stack, testVpc(stack), { endpointAccess: eksv1.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24', '198.51.100.7/32') });
    expect(reports(stack, rule)).toEqual([
      'Test/V1Cluster/Resource/Resource/Default [PublicAccessCidr::198.51.100.7/32]',
      'Test/V1Cluster/Resource/Resource/Default [PublicAccessCidr::203.0.113.0/24]',
    ]);
  });

  test('Noncompliance 3: L1 cluster that leaves EndpointPublicAccess unset', () => {
    const stack = testStack();
    l1Cluster(stack, 'L1');
    expect(reports(stack, rule)).toEqual(['Test/L1 [PublicAccessCidr::0.0.0.0/0]']);
  });

  test('Error: an endpoint setting only known at deploy time cannot be judged', () => {
    const stack = testStack();
    const publicAccess = new CfnParameter(stack, 'PublicAccess', { type: 'String', allowedValues: ['true', 'false'] });
    l1Cluster(stack, 'L1', {
      resourcesVpcConfig: { subnetIds: SUBNETS, endpointPublicAccess: publicAccess.valueAsString as unknown as boolean },
    });
    expect(reports(stack, rule)).toEqual(['Test/L1 (error)']);
  });

  test('Compliance', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 0 });
    v1Cluster(stack, vpc, { endpointAccess: eksv1.EndpointAccess.PRIVATE });
    l1Cluster(stack, 'L1', { resourcesVpcConfig: { subnetIds: SUBNETS, endpointPublicAccess: false } });
    expect(reports(stack, rule)).toEqual([]);
  });
});
