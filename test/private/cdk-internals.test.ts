import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { isRemoteRuleCall, literalClusterSecurityGroupId, renderElement, renderStack, renderStackResources } from '../../lib/private/cdk-internals';
import { testStack, testVpc } from '../helpers';

// Each test pins one aws-cdk-lib internal this library relies on: if a release changes it, this fails first, by name.
describe('aws-cdk-lib internals used in lib/private/cdk-internals.ts', () => {
  test('CfnElement._toCloudFormation renders a resource with its overrides, tokens resolved', () => {
    expect(typeof (CfnResource.prototype as unknown as { _toCloudFormation?: unknown })._toCloudFormation).toBe('function');
    const stack = new Stack();
    const resource = new CfnResource(stack, 'R', { type: 'Test::R', properties: { Name: 'a' } });
    resource.addPropertyOverride('Extra.Value', stack.region);
    expect(renderElement(resource).Resources).toEqual({ R: { Type: 'Test::R', Properties: { Name: 'a', Extra: { Value: { Ref: 'AWS::Region' } } } } });
  });

  test('Stack._toCloudFormation renders the whole template before any file is written', () => {
    expect(typeof (Stack.prototype as unknown as { _toCloudFormation?: unknown })._toCloudFormation).toBe('function');
    const stack = new Stack();
    new CfnResource(stack, 'R', { type: 'Test::R' });
    new CfnResource(stack, 'Other', { type: 'Test::Other' });
    expect(renderStack(stack).Resources).toEqual({ R: { Type: 'Test::R' }, Other: { Type: 'Test::Other' } });
    expect(Object.keys(renderStackResources(stack, (type) => type === 'Test::R'))).toEqual(['R']);
  });

  test('Connections.remoteRule is true exactly while the remote side of allowTo is called', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const seen: boolean[] = [];
    class Recording extends ec2.Connections {
      public allowFrom(other: ec2.IConnectable, port: ec2.Port): void {
        seen.push(isRemoteRuleCall(this));
        super.allowFrom(other, port);
      }
    }
    const store = { connections: new Recording({ securityGroups: [new ec2.SecurityGroup(stack, 'Store', { vpc })] }) };
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    client.connections.allowTo(store, ec2.Port.tcp(5432));
    store.connections.allowFrom(client, ec2.Port.tcp(5432));
    // allowTo from the client: the store's allowFrom runs as the remote rule. allowFrom on the store: first
    // the direct call, then aws-cdk-lib's own call back into it as the remote side (which it skips).
    expect(seen).toEqual([true, false, true]);
  });

  test('an imported cluster gives its literal clusterSecurityGroupId, and nothing when unset', () => {
    const stack = testStack();
    const withGroup = eks.Cluster.fromClusterAttributes(stack, 'A', { clusterName: 'a', clusterSecurityGroupId: 'sg-0123456789abcdef0' });
    const without = eks.Cluster.fromClusterAttributes(stack, 'B', { clusterName: 'b' });
    expect(literalClusterSecurityGroupId(withGroup)).toBe('sg-0123456789abcdef0');
    expect(literalClusterSecurityGroupId(without)).toBeUndefined();
  });
});
