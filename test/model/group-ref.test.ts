import { CfnReference, Unresolved } from '../../lib/model/cfn-resolver';
import { GroupRef, namesEksCreatedGroup } from '../../lib/model/group-ref';

describe('GroupRef: the one place that decides what an EKS-created group is', () => {
  test('Ref and GetAtt GroupId of a group are the same group; ClusterSecurityGroupId is the cluster\'s EKS-created group', () => {
    expect(GroupRef.fromValue(new CfnReference('S', 'Sg'))?.key).toBe('S/Sg');
    expect(GroupRef.fromValue(new CfnReference('S', 'Sg', 'GroupId'))?.key).toBe('S/Sg');
    const eksCreated = GroupRef.fromValue(new CfnReference('S', 'Cluster', 'ClusterSecurityGroupId'))!;
    expect([eksCreated.key, eksCreated.isEksCreated, eksCreated.eksCluster]).toEqual(['S/Cluster#ClusterSecurityGroupId', true, 'S/Cluster']);
    expect(GroupRef.eksCreatedBy('S', 'Cluster')).toEqual(eksCreated);
    expect(GroupRef.fromValue(new CfnReference('S', 'Sg'))?.isEksCreated).toBe(false);
  });

  test('literal IDs are groups; placeholders, unresolved values and empty strings are not', () => {
    expect(GroupRef.fromValue('sg-0123')?.key).toBe('sg-0123');
    expect(GroupRef.fromValue('{{S/Param}}')).toBeUndefined();
    expect(GroupRef.fromValue('')).toBeUndefined();
    expect(GroupRef.fromValue(new Unresolved('Fn::If'))).toBeUndefined();
  });

  test('namesEksCreatedGroup finds Fn::GetAtt of ClusterSecurityGroupId in any resolved value, in both spellings', () => {
    expect(namesEksCreatedGroup({ 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] })).toBe(true);
    expect(namesEksCreatedGroup([{ 'Fn::GetAtt': 'Cluster.ClusterSecurityGroupId' }])).toBe(true);
    expect(namesEksCreatedGroup({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Sg', 'GroupId'] }]] })).toBe(false);
    expect(namesEksCreatedGroup('sg-1')).toBe(false);
  });
});
