import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fc from 'fast-check';
import { SafeVpc } from '../../lib';
import { SafeEksError } from '../../lib/private/errors';
import { checkSafeVpcProps } from '../../lib/network/vpc-input-checks';
import { testStack } from '../helpers';

/** The error code `checkSafeVpcProps` throws for `props`, or undefined when they pass. */
function codeOf(props: unknown): string | undefined {
  try {
    checkSafeVpcProps('Test/Vpc', props);
    return undefined;
  } catch (e) {
    if (!(e instanceof SafeEksError)) throw e;
    return e.code;
  }
}

describe('SafeVpc input checks', () => {
  test('each ec2.VpcProps field is type-checked before ec2.Vpc reads it, naming the prop', () => {
    expect(() => checkSafeVpcProps('Test/Vpc', { ipAddresses: '10.0.0.0/16' }))
      .toThrow('Test/Vpc: `ipAddresses` must be an ec2.IIpAddresses. Got: string "10.0.0.0/16"');
    expect(() => checkSafeVpcProps('Test/Vpc', { subnetConfiguration: [{ name: 'Private' }] })).toThrow(/`subnetConfiguration\[0\]` must be an ec2\.SubnetConfiguration/);
    expect(codeOf({ defaultInstanceTenancy: 'shared' })).toBe('PropType');
    expect(codeOf(null)).toBe('PropsType');
    expect(codeOf(undefined)).toBeUndefined();
  });

  test('the construct refuses bad props under its own path, before ec2.Vpc runs', () => {
    const stack = testStack();
    expect(() => new SafeVpc(stack, 'Vpc', { natGatewayProvider: {} as ec2.NatProvider }))
      .toThrow(/^Test\/Vpc: `natGatewayProvider` must be an ec2\.NatProvider/);
    expect(stack.node.tryFindChild('Vpc')).toBeUndefined();
  });

  test('a literal cidr must be a CIDR block; a token passes', () => {
    expect(codeOf({ cidr: '10.0.0.0' })).toBe('Ipv4Cidr');
    expect(codeOf({ cidr: '10.0.0.0/16' })).toBeUndefined();
    expect(codeOf({ cidr: Token.asString({ resolve: () => '10.0.0.0/16' }) })).toBeUndefined();
  });

  test('flowLogRetention must be one of the periods CloudWatch Logs offers', () => {
    const offered = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
    fc.assert(fc.property(fc.integer({ min: -10, max: 20000 }), (days) => {
      expect(codeOf({ flowLogRetention: days })).toBe(offered.includes(days) ? undefined : 'FlowLogRetention');
    }));
    expect(codeOf({ flowLogRetention: Token.asNumber({ resolve: () => 7 }) })).toBeUndefined();
  });

  test('enableDnsHostnames needs enableDnsSupport said explicitly, as ec2.Vpc requires', () => {
    expect(codeOf({ enableDnsHostnames: true })).toBe('DnsHostnamesWithoutSupport');
    expect(codeOf({ enableDnsHostnames: true, enableDnsSupport: false })).toBe('DnsHostnamesWithoutSupport');
    expect(codeOf({ enableDnsHostnames: true, enableDnsSupport: true })).toBeUndefined();
    expect(codeOf({ enableDnsHostnames: false })).toBeUndefined();
  });

  test('natGatewaySubnets must select public subnets: an empty selection picks the private ones', () => {
    expect(codeOf({ natGatewaySubnets: {} })).toBe('NatGatewaySubnets');
    expect(codeOf({ natGatewaySubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })).toBe('NatGatewaySubnets');
    expect(codeOf({ natGatewaySubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toBeUndefined();
    expect(codeOf({ natGatewaySubnets: { subnetGroupName: 'Edge' } })).toBeUndefined();
  });
});
