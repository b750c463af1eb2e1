import { CfnParameter } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SafeCluster } from '../../../../lib';
import { EksNodegroupOwnedSecurityGroups } from '../../../../lib/checks/nag/rules';
import { testStack, testVpc } from '../../../helpers';
import { VERSION, l1Cluster, l1Nodegroup, plainV2Cluster, reports, v1Cluster } from '../utils';

const rule = EksNodegroupOwnedSecurityGroups;

describe('EksNodegroupOwnedSecurityGroups: managed node groups carry only owned security groups', () => {
  test('Noncompliance 1: L2 aws-eks-v2 addNodegroupCapacity (no launch template) and aws-eks default capacity', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    plainV2Cluster(stack, vpc).addNodegroupCapacity('Plain');
    v1Cluster(stack, vpc, { defaultCapacity: 1 });
    expect(reports(stack, rule)).toEqual([
      'Test/Cluster/NodegroupPlain/Resource [NoLaunchTemplate]',
      'Test/V1Cluster/NodegroupDefaultCapacity/Resource [NoLaunchTemplate]',
    ]);
  });

  test('Noncompliance 2: L2 launch templates carrying the cluster group, or no group', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const cluster = plainV2Cluster(stack, vpc);
    const withClusterGroup = new ec2.LaunchTemplate(stack, 'WithClusterGroup', { securityGroup: cluster.clusterSecurityGroup });
    const withoutGroup = new ec2.LaunchTemplate(stack, 'WithoutGroup', { requireImdsv2: true });
    for (const [id, template] of [['A', withClusterGroup], ['B', withoutGroup]] as const) {
      cluster.addNodegroupCapacity(id, {
        launchTemplateSpec: { id: template.launchTemplateId!, version: template.latestVersionNumber },
      });
    }
    expect(reports(stack, rule)).toEqual([
      'Test/Cluster/NodegroupA/Resource [LaunchTemplateCarriesClusterSecurityGroup]',
      'Test/Cluster/NodegroupB/Resource [LaunchTemplateWithoutSecurityGroups]',
    ]);
  });

  test('Noncompliance 3: L1 node groups: no template; template by name with the cluster group on a network interface', () => {
    const stack = testStack();
    const cluster = l1Cluster(stack, 'L1Cluster');
    new ec2.CfnLaunchTemplate(stack, 'Template', {
      launchTemplateName: 'nodes',
      launchTemplateData: { networkInterfaces: [{ deviceIndex: 0, groups: ['sg-owned', cluster.attrClusterSecurityGroupId] }] },
    });
    l1Nodegroup(stack, 'NoTemplate', { clusterName: cluster.ref });
    l1Nodegroup(stack, 'ByName', { clusterName: cluster.ref, launchTemplate: { name: 'nodes' } });
    expect(reports(stack, rule)).toEqual([
      'Test/ByName [LaunchTemplateCarriesClusterSecurityGroup]',
      'Test/NoTemplate [NoLaunchTemplate]',
    ]);
  });

  test('Error: a launch template that is not in the app cannot be judged', () => {
    const stack = testStack();
    l1Nodegroup(stack, 'Imported', { clusterName: 'payments', launchTemplate: { id: 'lt-0123456789abcdef0' } });
    expect(reports(stack, rule)).toEqual(['Test/Imported (error)']);
  });

  test('Error: a launch template whose groups are known only at deploy time cannot be judged', () => {
    const stack = testStack();
    const groups = new CfnParameter(stack, 'NodeGroups', { type: 'CommaDelimitedList' });
    new ec2.CfnLaunchTemplate(stack, 'Template', { launchTemplateName: 'nodes', launchTemplateData: { securityGroupIds: groups.valueAsList } });
    l1Nodegroup(stack, 'FromParameter', { clusterName: 'payments', launchTemplate: { name: 'nodes' } });
    expect(reports(stack, rule)).toEqual(['Test/FromParameter (error)']);
  });

  test('Compliance', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 1 }).addNodegroup('Extra');
    new ec2.CfnLaunchTemplate(stack, 'Template', {
      launchTemplateName: 'owned-nodes', launchTemplateData: { securityGroupIds: ['sg-owned'] },
    });
    l1Nodegroup(stack, 'L1', { clusterName: 'payments', launchTemplate: { name: 'owned-nodes' } });
    expect(reports(stack, rule)).toEqual([]);
  });
});
