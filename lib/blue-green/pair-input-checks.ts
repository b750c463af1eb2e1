import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { PAIR_COLORS, colorKey } from './pair-color';
import { MAX_WEIGHT } from './pair-guards';
import { BlueGreenClusterPairProps } from './pair-props';
import { PAIR_RISKS } from './pair-risk';
import { DEFAULT_ZONE_SUFFIXES, longestPairVpcPrefix } from './pair-subnets';
import { TRAFFIC_SHIFT_BRAND } from './traffic-shift-checks';
import { UpgradeStrategy } from './upgrade-strategy';
import { ADDON_VERSION_PROPS } from '../cluster/cluster-addons';
import { ipv4CidrProblem, roleArnProblem } from '../model/aws-naming-rules';
import { ErrorCode } from '../model/error-codes';
import { SafeEksError, show } from '../private/errors';
import { TypeSpec, checkProps, checkValue, isLiteral, refuse } from '../private/guards';
import { requireIntegerInRange } from '../private/validate';

/**
 * Runtime type checks of the blue-green entry points, run before they touch their arguments, so
 * that a jsii caller's wrong or missing prop is a `SafeEksError` naming it rather than a `TypeError`
 * from inside the pair (or an option silently read as another). Rules that span the pair's colors
 * and the recorded state stay in `pair-guards.ts`, at synth.
 */

const PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const STRING_ARRAY: TypeSpec = { type: 'array', name: 'array of strings', items: { type: 'string' } };

const COLOR_OPTIONS: { [prop: string]: TypeSpec } = {
  version: { type: 'object', name: 'eks.KubernetesVersion', required: true, members: ['version'] },
  weight: { type: 'number' },
  nodegroups: { type: 'object', name: 'map of node group IDs to SafeNodegroupOptions' },
  deletionProtection: { type: 'boolean' },
  minHealthyHosts: { type: 'number' },
  addonVersions: { type: 'object', name: 'AddonVersions' },
  unlistedAddonVersionReason: { type: 'string' },
};

/** Types of every `BlueGreenClusterPairProps` field; a missing `trafficShift` is reported by the constructor's own wording. */
const PAIR_PROPS: { [prop: string]: TypeSpec } = {
  env: { type: 'object', name: 'Environment', required: true },
  trafficShift: { type: 'object', name: 'TrafficShift (from TrafficShift.albWeighted or route53Weighted)', members: ['bind'] },
  blue: { type: 'object', name: 'BlueGreenColorOptions' },
  green: { type: 'object', name: 'BlueGreenColorOptions' },
  upgradeStrategy: { type: 'string', name: 'UpgradeStrategy', oneOf: Object.values(UpgradeStrategy) },
  namePrefix: { type: 'string' },
  availabilityZones: { ...STRING_ARRAY, minItems: 1 },
  vpc: { type: 'object', name: 'ec2.IVpc', members: ['vpcId', 'vpcCidrBlock', 'privateSubnets', 'availabilityZones'] },
  vpcCidr: { type: 'string' },
  adminRoleArns: STRING_ARRAY,
  stateFile: { type: 'string' },
  guardrails: { type: 'boolean' },
  guardrailTrail: { type: 'object', name: 'GuardrailTrail', members: ['bind'] },
  alertTopic: { type: 'object', name: 'sns.ITopic', members: ['topicArn'] },
};

/** `BlueGreenClusterPair` props: types of every field, the environment's and each color's fields, and a literal VPC CIDR. */
export function checkPairProps(scope: IConstruct, props: unknown): void {
  checkProps(scope, 'props', props, PAIR_PROPS);
  const p = props as { [prop: string]: unknown };
  for (const prop of ['account', 'region']) checkValue(scope, `env.${prop}`, (p.env as { [prop: string]: unknown })[prop], { type: 'string' });
  for (const key of PAIR_COLORS.map(colorKey)) {
    if (p[key] === undefined) continue;
    const options = p[key] as { [prop: string]: unknown };
    for (const [prop, spec] of Object.entries(COLOR_OPTIONS)) checkValue(scope, `${key}.${prop}`, options[prop], spec);
    const addons = options.addonVersions as { [prop: string]: unknown } | undefined;
    for (const prop of Object.values(ADDON_VERSION_PROPS)) checkValue(scope, `${key}.addonVersions.${prop}`, addons?.[prop], { type: 'string' });
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

/** `BlueGreenClusterPair.clusterOf`: a `PairColor`. */
export function checkColorArgument(scope: IConstruct, color: unknown, method = 'clusterOf'): void {
  checkValue(scope, `${method}: color`, color, { type: 'string', name: 'PairColor', required: true, oneOf: PAIR_COLORS });
}

/** `BlueGreenClusterPair.acknowledgeRisk`: a `PairRisk`. */
export function checkRiskArgument(scope: IConstruct, risk: unknown): void {
  checkValue(scope, 'acknowledgeRisk: risk', risk, { type: 'string', name: 'PairRisk', required: true, oneOf: PAIR_RISKS });
}

/** The reason of `acknowledgeLiveUpdate` or `acknowledgeRisk`: a string that says something (it is shown in every synth's warning). */
export function checkLiveUpdateReason(scope: IConstruct, reason: unknown, method = 'acknowledgeLiveUpdate'): void {
  checkValue(scope, `${method}: reason`, reason, { type: 'string', required: true });
  if ((reason as string).trim() === '') {
    throw new SafeEksError(scope, 'AcknowledgementWithoutReason', 'an acknowledgement needs a reason.', JSON.stringify(reason),
      method === 'acknowledgeLiveUpdate' ? 'say why the live cluster must change now, e.g. "scale General to 6 nodes for the sale"'
        : 'say why the risk is accepted, e.g. "first deploy: the pair serves no users yet"');
  }
}

/**
 * The pair's props beyond their types, before anything is built: the name prefix, a traffic shift made by
 * a `TrafficShift` factory, admin role ARNs, a given VPC, zones in the pair's region, whole weights and a
 * literal region when the zones are not listed. The traffic shift checks its own options when it is bound.
 */
export function checkPairConfiguration(scope: IConstruct, props: BlueGreenClusterPairProps, prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new SafeEksError(scope, 'PairNamePrefix', 'the name prefix must be 1 to 20 lowercase letters, digits or hyphens, starting with a letter.',
      show(prefix), 'set `namePrefix`, e.g. "payments"');
  }
  if (props.trafficShift === undefined) {
    throw new SafeEksError(scope, 'TrafficShift', '`trafficShift` is required.', 'undefined', 'set trafficShift: TrafficShift.albWeighted({ certificateArn })');
  }
  checkTrafficShift(scope, props.trafficShift);
  checkAdminRoleArns(scope, props.adminRoleArns);
  checkPairVpc(scope, props.vpc, props.vpcCidr, props.availabilityZones !== undefined);
  const region = props.env.region;
  const foreign = (props.availabilityZones ?? []).find((az) => !Token.isUnresolved(az) && region !== undefined && !Token.isUnresolved(region) && !az.startsWith(region));
  if (foreign !== undefined) {
    throw new SafeEksError(scope, 'AvailabilityZone', `every availability zone must be in the pair's region, ${region}.`, show(foreign),
      `name zones of ${region}, such as "${region}a", or set env.region to the zones' region`);
  }
  // Checked here as well as by the guard: a Route 53 record refuses a bad weight as soon as it is made, in its own words.
  for (const color of PAIR_COLORS) requireIntegerInRange(scope, `${colorKey(color)}.weight`, props[colorKey(color)]?.weight, 0, MAX_WEIGHT);
  if (props.availabilityZones === undefined && (region === undefined || Token.isUnresolved(region))) {
    throw new SafeEksError(scope, 'PairRegion', 'the region must be literal so that the zones can be named without a lookup.',
      show(region), 'set env.region, or list `availabilityZones`');
  }
}

/** A traffic shift made by a `TrafficShift` factory: a hand-built object of the same shape type-checks, but builds nothing. */
function checkTrafficShift(scope: IConstruct, shift: unknown): void {
  if (typeof shift !== 'object' || shift === null || (shift as { [brand: symbol]: unknown })[TRAFFIC_SHIFT_BRAND] !== true) {
    throw new SafeEksError(scope, 'TrafficShift', '`trafficShift` must be made by a TrafficShift factory.', show(shift),
      'set trafficShift: TrafficShift.albWeighted({ certificateArn }) or TrafficShift.route53Weighted({ zone, recordName })');
  }
}

/**
 * A VPC given to the pair: literal zones (the stacks name them without a lookup), a literal CIDR block
 * (its own or `vpcCidr`: each color's path-MTU rule names it) and private subnets in two zones or more
 * for the nodes (EKS asks for two). An internet-facing load balancer's public subnets are its shift's check.
 */
function checkPairVpc(scope: IConstruct, vpc: ec2.IVpc | undefined, vpcCidr: string | undefined, zonesGiven: boolean): void {
  if (vpc === undefined) return;
  const fail = (code: ErrorCode, problem: string, value: string, fix: string) => new SafeEksError(scope, code, problem, value, fix);
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
}

/** Each literal admin role ARN is an IAM role's. */
function checkAdminRoleArns(scope: IConstruct, arns: readonly string[] | undefined): void {
  (arns ?? []).forEach((arn, i) => {
    if (!Token.isUnresolved(arn)) refuse(scope, arn, roleArnProblem(arn, `adminRoleArns[${i}]`));
  });
}
