import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ipv4CidrProblem } from '../model/aws-naming-rules';
import { SafeEksError, show } from '../private/errors';
import { TypeSpec, checkProps, isLiteral, refuse } from '../private/guards';

const SUBNET_SELECTION: TypeSpec = { type: 'object', name: 'ec2.SubnetSelection' };
const RETENTION_DAYS = new Set<number>(Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'));

/**
 * Types of every `SafeVpcProps` field, `ec2.VpcProps` included: `ec2.Vpc` reads them without checks,
 * so a wrong type would be a `TypeError` from inside it (`allocateVpcCidr is not a function`).
 */
const SAFE_VPC_PROP_TYPES: { [prop: string]: TypeSpec } = {
  flowLogRetention: { type: 'number', name: 'logs.RetentionDays' },
  flowLogEncryptionKey: { type: 'object', name: 'kms.IKey', members: ['keyArn'] },
  ipProtocol: { type: 'string', name: 'ec2.IpProtocol', oneOf: Object.values(ec2.IpProtocol) },
  ipAddresses: { type: 'object', name: 'ec2.IIpAddresses', members: ['allocateVpcCidr'] },
  cidr: { type: 'string' },
  enableDnsHostnames: { type: 'boolean' },
  enableDnsSupport: { type: 'boolean' },
  defaultInstanceTenancy: { type: 'string', name: 'ec2.DefaultInstanceTenancy', oneOf: Object.values(ec2.DefaultInstanceTenancy) },
  maxAzs: { type: 'number' },
  reservedAzs: { type: 'number' },
  availabilityZones: { type: 'array', name: 'array of strings', items: { type: 'string' } },
  natGateways: { type: 'number' },
  natGatewaySubnets: SUBNET_SELECTION,
  natGatewayProvider: { type: 'object', name: 'ec2.NatProvider', members: ['configureNat'] },
  subnetConfiguration: {
    type: 'array', name: 'array of ec2.SubnetConfiguration', items: { type: 'object', name: 'ec2.SubnetConfiguration', members: ['name', 'subnetType'] },
  },
  vpnGateway: { type: 'boolean' },
  vpnGatewayAsn: { type: 'number' },
  vpnConnections: { type: 'object', name: 'map of IDs to ec2.VpnConnectionOptions' },
  vpnRoutePropagation: { type: 'array', name: 'array of ec2.SubnetSelection', items: SUBNET_SELECTION },
  gatewayEndpoints: { type: 'object', name: 'map of IDs to ec2.GatewayVpcEndpointOptions' },
  flowLogs: { type: 'object', name: 'map of IDs to ec2.FlowLogOptions' },
  vpcName: { type: 'string' },
  restrictDefaultSecurityGroup: { type: 'boolean' },
  createInternetGateway: { type: 'boolean' },
  ipv6Addresses: { type: 'object', name: 'ec2.IIpv6Addresses', members: ['allocateVpcIpv6Cidr'] },
};

/**
 * `SafeVpc` props, checked before `ec2.Vpc` reads them (so under the path the VPC will have): every
 * type, a literal `cidr` that is a CIDR block, a literal `flowLogRetention` that CloudWatch Logs offers, and the
 * combinations `ec2.Vpc` refuses with a message that names no prop.
 */
export function checkSafeVpcProps(path: string, props: unknown): void {
  checkProps(path, 'props', props, SAFE_VPC_PROP_TYPES, false);
  const p = (props ?? {}) as ec2.VpcProps & { flowLogRetention?: number };
  if (isLiteral(p.cidr)) refuse(path, p.cidr, ipv4CidrProblem(p.cidr, 'cidr'));
  const retention = p.flowLogRetention;
  if (retention !== undefined && !Token.isUnresolved(retention) && !RETENTION_DAYS.has(retention)) {
    throw new SafeEksError(path, 'FlowLogRetention', '`flowLogRetention` must be a number of days CloudWatch Logs offers.', show(retention),
      'use a logs.RetentionDays value, e.g. logs.RetentionDays.ONE_YEAR');
  }
  // ec2.Vpc refuses hostnames unless DNS support is *explicitly* on, with a message that names neither prop.
  if (p.enableDnsHostnames === true && p.enableDnsSupport !== true) {
    throw new SafeEksError(path, 'DnsHostnamesWithoutSupport', '`enableDnsHostnames: true` needs `enableDnsSupport: true` as well.',
      `enableDnsSupport ${show(p.enableDnsSupport)}`, 'set enableDnsSupport: true too (both are on by default when neither is set)');
  }
  const nat = p.natGatewaySubnets;
  if (nat !== undefined && (nat.subnetType === undefined ? nat.subnetGroupName === undefined && nat.subnets === undefined : nat.subnetType !== ec2.SubnetType.PUBLIC)) {
    // A selection without a type, group or subnets picks the private subnets, where a NAT gateway cannot reach the internet.
    throw new SafeEksError(path, 'NatGatewaySubnets', '`natGatewaySubnets` must select public subnets.', show(nat),
      'select them with { subnetType: ec2.SubnetType.PUBLIC } (or the subnetGroupName of a public group), or leave it unset');
  }
}
