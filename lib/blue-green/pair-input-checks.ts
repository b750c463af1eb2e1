import { Environment, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { DEFAULT_ZONE_SUFFIXES, longestPairVpcPrefix } from './pair-subnets';
import { UpgradeStrategy } from './upgrade-strategy';
import {
  canonicalDnsName, certificateArnProblem, dnsNameProblem, healthCheckPathProblem, ipv4CidrProblem, kubernetesNameProblem, recordNameProblem, roleArnProblem,
} from '../model/aws-naming-rules';
import { SafeEksError, show } from '../private/errors';
import { TypeSpec, checkProps, checkValue, isLiteral, refuse } from '../private/guards';

/**
 * Runtime type checks of the blue-green entry points, run before they touch their arguments, so
 * that a jsii caller's wrong or missing prop is a `SafeEksError` naming it rather than a `TypeError`
 * from inside the pair (or an option silently read as another). Rules that span the pair's colors
 * and the recorded state stay in `pair-guards.ts`, at synth.
 */

const STRING_ARRAY: TypeSpec = { type: 'array', name: 'array of strings', items: { type: 'string' } };

const COLOR_OPTIONS: { [prop: string]: TypeSpec } = {
  version: { type: 'object', name: 'eks.KubernetesVersion', required: true, members: ['version'] },
  weight: { type: 'number' },
  nodegroups: { type: 'object', name: 'map of node group IDs to SafeNodegroupOptions' },
  deletionProtection: { type: 'boolean' },
};

/** Types of every `BlueGreenClusterPairProps` field; a missing `trafficShift` is reported by the constructor's own wording. */
const PAIR_PROPS: { [prop: string]: TypeSpec } = {
  env: { type: 'object', name: 'Environment', required: true },
  trafficShift: { type: 'object', name: 'TrafficShift (from TrafficShift.albWeighted or route53Weighted)', members: ['kind'] },
  blue: { type: 'object', name: 'BlueGreenColorOptions' },
  green: { type: 'object', name: 'BlueGreenColorOptions' },
  upgradeStrategy: { type: 'string', name: 'UpgradeStrategy', oneOf: Object.values(UpgradeStrategy) },
  namePrefix: { type: 'string' },
  availabilityZones: { ...STRING_ARRAY, minItems: 1 },
  vpc: { type: 'object', name: 'ec2.IVpc', members: ['vpcId', 'vpcCidrBlock', 'privateSubnets', 'availabilityZones'] },
  vpcCidr: { type: 'string' },
  adminRoleArns: STRING_ARRAY,
  stateFile: { type: 'string' },
};

/** `BlueGreenClusterPair` props: types of every field, the environment's and each color's fields, and a literal VPC CIDR. */
export function checkPairProps(scope: IConstruct, props: unknown): void {
  checkProps(scope, 'props', props, PAIR_PROPS);
  const p = props as { [prop: string]: unknown };
  for (const prop of ['account', 'region']) checkValue(scope, `env.${prop}`, (p.env as { [prop: string]: unknown })[prop], { type: 'string' });
  for (const color of ['blue', 'green']) {
    if (p[color] === undefined) continue;
    for (const [prop, spec] of Object.entries(COLOR_OPTIONS)) checkValue(scope, `${color}.${prop}`, (p[color] as { [prop: string]: unknown })[prop], spec);
  }
  const cidr = p.vpcCidr as string | undefined;
  if (cidr !== undefined && Token.isUnresolved(cidr)) {
    // ec2.Vpc divides the block into subnets at synth, so it must be known then.
    throw new SafeEksError(scope, 'VpcCidrToken', '`vpcCidr` must be a literal CIDR block, not a token.', 'a token', 'write the block, e.g. "10.40.0.0/16"');
  }
  if (!isLiteral(cidr)) return;
  refuse(scope, cidr, ipv4CidrProblem(cidr, 'vpcCidr'));
  // Only the VPC the pair creates is divided here; a given one has its subnets already.
  if (p.vpc !== undefined) return;
  const zones = Array.isArray(p.availabilityZones) ? p.availabilityZones.length : DEFAULT_ZONE_SUFFIXES.length;
  const longest = longestPairVpcPrefix(zones);
  if (Number(cidr.split('/')[1]) > longest) {
    throw new SafeEksError(scope, 'VpcCidrSize', `\`vpcCidr\` is too small for the pair's subnets: a public /24, a private /20 (pod IPs) and an isolated /24 in each of ${zones} zones need a /${longest} or larger.`,
      show(cidr), `give a /${longest} or shorter prefix, such as "10.40.0.0/16"`);
  }
}

/** `BlueGreenClusterPair.addDataStore`: a store of this library (or `DataStoreAccess`). */
export function checkDataStoreArgument(scope: IConstruct, store: unknown): void {
  checkValue(scope, 'addDataStore: store', store, {
    type: 'object', name: 'IDependentDataStore (a DependentDatabase, DependentCache or DataStoreAccess)', required: true, members: ['node', 'allowFrom'],
  });
}

/** `BlueGreenClusterPair.clusterOf`: one of `colors` (the `PairColor` values; passed in, as the enum lives with the pair). */
export function checkColorArgument(scope: IConstruct, color: unknown, colors: readonly string[], method = 'clusterOf'): void {
  checkValue(scope, `${method}: color`, color, { type: 'string', name: 'PairColor', required: true, oneOf: colors });
}

/** The reason of `acknowledgeLiveUpdate`: a string that says something (it is shown in every synth's warning). */
export function checkLiveUpdateReason(scope: IConstruct, reason: unknown): void {
  checkValue(scope, 'acknowledgeLiveUpdate: reason', reason, { type: 'string', required: true });
  if ((reason as string).trim() === '') {
    throw new SafeEksError(scope, 'AcknowledgementWithoutReason', 'an acknowledgement needs a reason.', JSON.stringify(reason),
      'say why the live cluster must change now, e.g. "scale General to 6 nodes for the sale"');
  }
}

/** Carried by every `TrafficShift` its factories make (a global symbol, so that two copies of the library agree). */
export const TRAFFIC_SHIFT_BRAND = Symbol.for('cdk-safe-eks.TrafficShift');

/**
 * The pair's traffic shift: made by a `TrafficShift` factory (a hand-built object of the same shape
 * type-checks but has no listener or records behind it), and, for ALB weights, a certificate the load
 * balancer can use: an ACM certificate in the pair's own account and region.
 */
export function checkTrafficShift(scope: IConstruct, shift: unknown, env: Environment): void {
  if (typeof shift !== 'object' || shift === null || (shift as { [brand: symbol]: unknown })[TRAFFIC_SHIFT_BRAND] !== true) {
    throw new SafeEksError(scope, 'TrafficShift', '`trafficShift` must be made by a TrafficShift factory.', show(shift),
      'set trafficShift: TrafficShift.albWeighted({ certificateArn }) or TrafficShift.route53Weighted({ zone, recordName })');
  }
  const arn: unknown = (shift as { albOptions?: { certificateArn?: unknown } }).albOptions?.certificateArn;
  const known = (v: string | undefined) => (v !== undefined && !Token.isUnresolved(v) ? v : undefined);
  if (typeof arn === 'string' && !Token.isUnresolved(arn)) refuse(scope, arn, certificateArnProblem(arn, known(env.region), known(env.account)));
}

/**
 * A VPC given to the pair: literal zones (the stacks name them without a lookup), a literal CIDR block
 * (its own or `vpcCidr`: each color's path-MTU rule names it), private subnets in two zones or more for
 * the nodes (EKS asks for two), and public subnets for an internet-facing load balancer.
 */
export function checkPairVpc(scope: IConstruct, vpc: ec2.IVpc | undefined, vpcCidr: string | undefined, zonesGiven: boolean, internetFacing: boolean): void {
  if (vpc === undefined) return;
  const fail = (code: string, problem: string, value: string, fix: string) => new SafeEksError(scope, code, problem, value, fix);
  if (zonesGiven) {
    throw fail('VpcAndZones', '`availabilityZones` and `vpc` both name the zones.', show(vpc.node.path), 'leave out `availabilityZones`: the pair uses the zones of `vpc`');
  }
  const zones = vpc.availabilityZones;
  if (zones.length === 0 || zones.some((z) => Token.isUnresolved(z))) {
    throw fail('VpcZones', 'the zones of `vpc` must be literal, so that the pair\'s stacks name them without a lookup.', show(zones),
      'import the VPC with ec2.Vpc.fromVpcAttributes({ availabilityZones: [...] }) or fromLookup, or give the VPC\'s stack literal zones');
  }
  const own = Token.isUnresolved(vpc.vpcCidrBlock) ? undefined : vpc.vpcCidrBlock;
  if (own === undefined && vpcCidr === undefined) {
    throw fail('VpcCidrToken', 'the CIDR block of `vpc` is not known at synth, and each color\'s path-MTU rule must name it.', 'a token', 'give it as `vpcCidr`, e.g. "10.40.0.0/16"');
  }
  if (own !== undefined && vpcCidr !== undefined && own !== vpcCidr) {
    throw fail('VpcCidrMismatch', `\`vpcCidr\` differs from the block of \`vpc\`, ${own}.`, show(vpcCidr), 'leave out `vpcCidr`: the pair reads the block of `vpc`');
  }
  const privateZones = new Set(vpc.privateSubnets.map((subnet) => subnet.availabilityZone));
  if (privateZones.size < 2) {
    throw fail('VpcPrivateSubnets', '`vpc` needs private subnets (with a route to the internet) in at least two zones for the nodes: EKS asks for two.',
      `${vpc.privateSubnets.length} private subnet(s)`, 'give the VPC\'s private subnets (privateSubnetIds in fromVpcAttributes), in two zones or more');
  }
  if (internetFacing && vpc.publicSubnets.length === 0) {
    throw fail('VpcPublicSubnets', 'an internet-facing load balancer needs public subnets, and `vpc` has none.', '0 public subnets',
      'give the VPC\'s public subnets (publicSubnetIds in fromVpcAttributes), or leave internetFacing off');
  }
}

/** Each literal admin role ARN is an IAM role's. */
export function checkAdminRoleArns(scope: IConstruct, arns: readonly string[] | undefined): void {
  (arns ?? []).forEach((arn, i) => {
    if (!Token.isUnresolved(arn)) refuse(scope, arn, roleArnProblem(arn, `adminRoleArns[${i}]`));
  });
}

/** `TrafficShift.albWeighted` options. */
export function checkAlbWeightedOptions(options: unknown): void {
  checkProps('TrafficShift.albWeighted', 'options', options, {
    certificateArn: { type: 'string', required: true },
    targetPort: { type: 'number' },
    healthCheckPath: { type: 'string' },
    internetFacing: { type: 'boolean' },
    allowedClients: { type: 'array', name: 'array of ec2.IPeer', items: { type: 'object', name: 'ec2.IPeer', members: ['toIngressRuleConfig'] } },
    serviceName: { type: 'string' },
    servicePort: { type: 'number' },
    namespace: { type: 'string' },
  });
  const o = options as AlbWeightedLiterals;
  const scope = 'TrafficShift.albWeighted';
  if (isLiteral(o.healthCheckPath)) refuse(scope, o.healthCheckPath, healthCheckPathProblem(o.healthCheckPath));
  if (isLiteral(o.serviceName)) refuse(scope, o.serviceName, kubernetesNameProblem(o.serviceName, 'serviceName', 'Service'));
  if (isLiteral(o.namespace)) refuse(scope, o.namespace, kubernetesNameProblem(o.namespace, 'namespace', 'namespace'));
}

/** `TrafficShift.route53Weighted` options. */
export function checkRoute53WeightedOptions(options: unknown): void {
  checkProps('TrafficShift.route53Weighted', 'options', options, {
    zone: { type: 'object', name: 'route53.IHostedZone', required: true, members: ['hostedZoneId', 'zoneName'] },
    recordName: { type: 'string', required: true },
    blueDnsName: { type: 'string' },
    greenDnsName: { type: 'string' },
    ttl: { type: 'object', name: 'Duration', members: ['toSeconds'] },
  });
  const o = options as Route53WeightedLiterals;
  const scope = 'TrafficShift.route53Weighted';
  if (isLiteral(o.recordName) && isLiteral(o.zone.zoneName)) refuse(scope, o.recordName, recordNameProblem(o.recordName, o.zone.zoneName));
  for (const prop of ['blueDnsName', 'greenDnsName'] as const) {
    const name = o[prop];
    if (isLiteral(name)) refuse(scope, name, dnsNameProblem(name, prop));
  }
  if (isLiteral(o.blueDnsName) && isLiteral(o.greenDnsName) && canonicalDnsName(o.blueDnsName) === canonicalDnsName(o.greenDnsName)) {
    throw new SafeEksError(scope, 'SameDnsName', 'both colors point to the same DNS name, so a shift between them would move no traffic.', show(o.blueDnsName),
      'give each color the DNS name of its own cluster\'s ingress');
  }
}

/** The literal-checked fields of `AlbWeightedOptions`, once their types are known. */
interface AlbWeightedLiterals {
  readonly healthCheckPath?: string;
  readonly serviceName?: string;
  readonly namespace?: string;
}

/** The literal-checked fields of `Route53WeightedOptions`, once their types are known. */
interface Route53WeightedLiterals {
  readonly zone: { readonly zoneName: string };
  readonly recordName: string;
  readonly blueDnsName?: string;
  readonly greenDnsName?: string;
}
