import { CfnOutput, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { endpointPublicCidrs, isRemoteRuleCall, literalClusterSecurityGroupId, renderElement, renderStack } from '../../lib/private/cdk-internals';
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

  test('renderStack renders a whole stack from its elements, before any file is written, optionally only some resource types', () => {
    const stack = new Stack();
    new CfnResource(stack, 'R', { type: 'Test::R' });
    new CfnResource(stack, 'Other', { type: 'Test::Other' });
    new CfnOutput(stack, 'Out', { value: stack.region });
    expect(renderStack(stack).Resources).toEqual({ R: { Type: 'Test::R' }, Other: { Type: 'Test::Other' } });
    expect(renderStack(stack).Outputs).toEqual({ Out: { Value: { Ref: 'AWS::Region' } } });
    const some = renderStack(stack, new Set(['Test::R']));
    expect(Object.keys(some.Resources)).toEqual(['R']);
    expect(Object.keys(some.Outputs)).toEqual(['Out']);
    // A nested stack's elements are its own template's, not the parent's.
    const nested = new NestedStack(stack, 'Nested');
    new CfnResource(nested, 'Inner', { type: 'Test::R' });
    expect(Object.keys(renderStack(stack, new Set(['Test::R'])).Resources)).toEqual(['R']);
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

  test('EndpointAccess keeps the CIDRs of onlyFrom in its private _config', () => {
    expect(endpointPublicCidrs(eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('10.1.0.0/16', '10.2.0.0/16'))).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    expect(endpointPublicCidrs(eks.EndpointAccess.PRIVATE)).toBeUndefined();
    expect(endpointPublicCidrs(undefined)).toBeUndefined();
  });
});
