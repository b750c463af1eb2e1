import { Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PAIR_SUBNETS } from './pair-subnets';
import { SafeVpc } from '../network/safe-vpc';

const DEFAULT_VPC_CIDR = '10.40.0.0/16';

/** The literal CIDR block of the pair's VPC: of the one given, when known, else `vpcCidr` or the default. */
export function pairVpcCidr(vpc: ec2.IVpc | undefined, vpcCidr: string | undefined): string {
  return vpc !== undefined && !Token.isUnresolved(vpc.vpcCidrBlock) ? vpc.vpcCidrBlock : vpcCidr ?? DEFAULT_VPC_CIDR;
}

/** The VPC a pair creates in its Shared stack: a public, private and isolated subnet per zone, tagged for load balancers. */
export function createPairVpc(stack: Stack, cidr: string, azs: string[]): ec2.Vpc {
  // SafeVpc: no public IPs on launch, KMS-encrypted flow logs of all traffic, default security group emptied.
  const vpc = new SafeVpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    availabilityZones: azs,
    natGateways: 1,
    subnetConfiguration: [...PAIR_SUBNETS],
  });
  // For ingresses a color's AWS Load Balancer Controller creates itself; constant, so no color change touches it.
  for (const subnet of vpc.publicSubnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
  for (const subnet of vpc.privateSubnets) Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
  Validations.of(vpc).acknowledge({
    id: 'CloudFormation-Validate::W3010',
    reason: 'Zones are literal so that synth never looks them up in an account; they follow the region of the env.',
  });
  return vpc;
}
