import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The subnets of a pair's VPC, one of each per zone, in the order ec2.Vpc allocates them: public for
 * the load balancer, private for the nodes (a /20, for pod IPs), isolated for the data stores.
 */
export const PAIR_SUBNETS: readonly ec2.SubnetConfiguration[] = [
  { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
  { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
  { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
];

/** The zones of a pair whose `availabilityZones` are not given: these suffixes of its region. */
export const DEFAULT_ZONE_SUFFIXES: readonly string[] = ['a', 'b', 'c'];

/**
 * The longest prefix a VPC CIDR may have to hold `PAIR_SUBNETS` in `zones` zones. ec2.Vpc places each
 * group's subnets one after another, each at the next address aligned to its own size, so a /20 after
 * /24s skips to the next /20 boundary: three zones need a /17, not the /18 their sizes add up to.
 */
export function longestPairVpcPrefix(zones: number): number {
  let end = 0;
  for (const subnet of PAIR_SUBNETS) {
    const size = 2 ** (32 - subnet.cidrMask!);
    for (let i = 0; i < zones; i++) end = Math.ceil(end / size) * size + size;
  }
  return 32 - Math.ceil(Math.log2(end));
}
