import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SafeCluster, SafeClusterProps } from '../../lib';
import { testStack, testVpc } from '../helpers';

function synth(props: Partial<SafeClusterProps> = {}): Template {
  const stack = testStack();
  const cluster = new SafeCluster(stack, 'Safe', {
    version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'safe', defaultCapacity: 0,
    adminRoles: [iam.Role.fromRoleName(stack, 'Admin', 'platform-admin')], ...props,
  });
  cluster.addNodegroup('General', { minSize: 1, desiredSize: 1, maxSize: 2 });
  return Template.fromStack(stack);
}

const policies = (template: Template, type: string) =>
  Object.values(template.findResources(type)).map((r) => [r.DeletionPolicy ?? 'Delete', r.UpdateReplacePolicy ?? 'Delete']);

describe('change safety of SafeCluster', () => {
  test('owned group descriptions are constants: no cluster name, no prose (changing one is a breaking change)', () => {
    for (const clusterName of ['safe', 'payments-green']) {
      const groups = Object.values(synth({ clusterName }).findResources('AWS::EC2::SecurityGroup')).map((g) => g.Properties.GroupDescription);
      expect(groups.sort()).toEqual(['cdk-safe-eks control plane', 'cdk-safe-eks nodes']);
    }
  });

  test('while the cluster is deletion-protected, a stack delete keeps its node groups and access entries', () => {
    const template = synth();
    expect(policies(template, 'AWS::EKS::Nodegroup')).toEqual([['Retain', 'Delete']]);
    expect(policies(template, 'AWS::EKS::AccessEntry')).toEqual([['Retain', 'Delete']]);
  });

  test('once protection is off (step 1 of retiring the cluster), they are deleted with it', () => {
    const template = synth({ deletionProtection: false });
    template.hasResourceProperties('AWS::EKS::Cluster', { DeletionProtection: false });
    expect(policies(template, 'AWS::EKS::Nodegroup')).toEqual([['Delete', 'Delete']]);
    expect(policies(template, 'AWS::EKS::AccessEntry')).toEqual([['Delete', 'Delete']]);
  });
});
