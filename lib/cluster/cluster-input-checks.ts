import { Annotations, IResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  cidrsOverlap, clusterNameProblem, instanceTypeProblem, ipv4CidrProblem, kubernetesVersionProblem, nodegroupNameProblem,
  securityGroupIdProblem, serviceIpv4CidrProblem,
} from '../model/aws-naming-rules';
import { endpointPublicCidrs } from '../private/cdk-internals';
import { ErrorScope, SafeEksError, show } from '../private/errors';
import { TypeSpec, checkProps, checkValue, isLiteral, refuse } from '../private/guards';
import { requireIntegerInRange } from '../private/validate';

// Managed node groups hold at most this many nodes (EKS service quota); the default group is one of them.
const MAX_DEFAULT_CAPACITY = 1000;

/**
 * Input checks of `SafeCluster`, its import and `SafeNodegroup` that the constructor can decide on its
 * own (literal values, and facts about constructs that already exist when it runs). Facts that only
 * the finished tree shows are in `cluster-validations.ts`.
 */

const VPC: TypeSpec = { type: 'object', name: 'ec2.IVpc', members: ['vpcId', 'selectSubnets'] };
const SUBNET_SELECTION: TypeSpec = { type: 'object', name: 'ec2.SubnetSelection' };
const INSTANCE_TYPE: TypeSpec = { type: 'object', name: 'ec2.InstanceType', members: ['architecture'] };
const KEY: TypeSpec = { type: 'object', name: 'kms.IKey', members: ['keyArn'] };

/** Types of every `SafeClusterProps` field; a missing `version` or `vpc` is reported by the constructor's own wording. */
export const SAFE_CLUSTER_PROP_TYPES: { [prop: string]: TypeSpec } = {
  version: { type: 'object', name: 'eks.KubernetesVersion', members: ['version'] },
  vpc: VPC,
  vpcSubnets: { type: 'array', name: 'array of ec2.SubnetSelection', items: SUBNET_SELECTION, minItems: 1 },
  clusterName: { type: 'string' },
  endpointAccess: { type: 'object', name: 'eks.EndpointAccess', members: ['onlyFrom'] },
  secretsEncryptionKey: KEY,
  clusterLogging: { type: 'array', name: 'array of eks.ClusterLoggingTypes', items: { type: 'string', name: 'eks.ClusterLoggingTypes', oneOf: Object.values(eks.ClusterLoggingTypes) } },
  adminRoles: { type: 'array', name: 'array of iam.IRole', items: { type: 'object', name: 'iam.IRole', members: ['roleArn'] } },
  bootstrapClusterCreatorAdminPermissions: { type: 'boolean' },
  upgradeSupportType: { type: 'string', name: 'UpgradeSupportType', oneOf: ['EXTENDED', 'STANDARD'] },
  deletionProtection: { type: 'boolean' },
  webhookFlows: { type: 'boolean' },
  restrictNodeEgress: { type: 'boolean' },
  defaultCapacity: { type: 'number' },
  defaultCapacityInstance: INSTANCE_TYPE,
  serviceIpv4Cidr: { type: 'string' },
  kubectlProviderOptions: { type: 'object', name: 'eks.KubectlProviderOptions with a kubectlLayer', members: ['kubectlLayer'] },
  tags: { type: 'object', name: 'map of tag names to values' },
  addonVersions: { type: 'object', name: 'AddonVersions' },
  unlistedAddonVersionReason: { type: 'string' },
};

/** What the constructor reads from `SafeClusterProps`, checked in the order a reader meets them. */
interface ClusterInputs {
  readonly version?: eks.KubernetesVersion;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection[];
  readonly clusterName?: string;
  readonly endpointAccess?: eks.EndpointAccess;
  readonly secretsEncryptionKey?: IResource;
  readonly adminRoles?: iam.IRole[];
  readonly defaultCapacity?: number;
  readonly defaultCapacityInstance?: ec2.InstanceType;
  readonly serviceIpv4Cidr?: string;
  readonly kubectlProviderOptions?: eks.KubectlProviderOptions;
}

/** Types first (jsii callers), then the EKS naming and version rules, then facts about the VPC, key and roles. */
export function checkClusterInputs(scope: IConstruct, props: ClusterInputs): void {
  checkProps(scope, 'props', props, SAFE_CLUSTER_PROP_TYPES);
  if (props.kubectlProviderOptions !== undefined) {
    checkValue(scope, 'kubectlProviderOptions.kubectlLayer', props.kubectlProviderOptions.kubectlLayer,
      { type: 'object', name: 'lambda.ILayerVersion (for example new KubectlV34Layer(this, "Kubectl"))', required: true, members: ['layerVersionArn'] });
  }
  if (isLiteral(props.clusterName)) refuse(scope, props.clusterName, clusterNameProblem(props.clusterName));
  const version = props.version?.version;
  if (version === undefined) {
    throw new SafeEksError(scope, 'KubernetesVersion', '`version` is required.', 'undefined',
      'set `version`, for example eks.KubernetesVersion.V1_34');
  }
  if (!Token.isUnresolved(version)) {
    refuse(scope, version, kubernetesVersionProblem(version));
    warnAboutUnknownVersion(scope, version);
  }
  if (props.vpc === undefined) {
    throw new SafeEksError(scope, 'Vpc', '`vpc` is required: SafeCluster never creates or looks up a VPC on its own.',
      'undefined', 'pass an ec2.Vpc you create, or ec2.Vpc.fromVpcAttributes(...) for an existing one');
  }
  requireIntegerInRange(scope, 'defaultCapacity', props.defaultCapacity, 0, MAX_DEFAULT_CAPACITY);
  if (props.defaultCapacity !== undefined && Token.isUnresolved(props.defaultCapacity)) {
    throw new SafeEksError(scope, 'DefaultCapacityToken',
      '`defaultCapacity` must be a literal number: whether the default node group exists is decided at synth, and a token would silently create none.',
      'a token', 'pass a number, or set `defaultCapacity: 0` and call addNodegroup(id, { minSize, desiredSize, maxSize }) with tokens there');
  }
  if (isLiteral(props.serviceIpv4Cidr)) {
    refuse(scope, props.serviceIpv4Cidr, serviceIpv4CidrProblem(props.serviceIpv4Cidr));
    checkServiceCidrOutsideVpc(scope, props.serviceIpv4Cidr, props.vpc);
  }
  const instance = props.defaultCapacityInstance?.toString();
  if (isLiteral(instance)) refuse(scope, instance, instanceTypeProblem(instance, 'defaultCapacityInstance'));
  checkEndpointCidrs(scope, props.endpointAccess);
  checkSameRegion(scope, 'secretsEncryptionKey', props.secretsEncryptionKey);
  checkNoDuplicateAdmins(scope, props.adminRoles ?? []);
  checkControlPlaneSubnets(scope, props.vpc, props.vpcSubnets ?? [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }]);
}

/**
 * EKS accepts only versions in standard or extended support, a window that moves; aws-cdk-lib names
 * the versions of its time. Outside that list the version may be valid, but is more likely a typo
 * or a version EKS no longer creates, so it is a warning, not an error.
 */
function warnAboutUnknownVersion(scope: IConstruct, version: string): void {
  const minor = (v: string) => Number(v.split('.')[1]);
  const known = Object.values(eks.KubernetesVersion)
    .filter((v): v is eks.KubernetesVersion => v instanceof eks.KubernetesVersion && !Token.isUnresolved(v.version))
    .map((v) => minor(v.version));
  if (known.length === 0 || (minor(version) >= Math.min(...known) && minor(version) <= Math.max(...known))) return;
  Annotations.of(scope).addWarningV2('cdk-safe-eks:unknownKubernetesVersion',
    `Kubernetes ${version} is outside the versions aws-cdk-lib names (1.${Math.min(...known)} to 1.${Math.max(...known)}). `
    + 'EKS creates clusters only of versions in standard or extended support: check the EKS version calendar before deploying.');
}

// The prop's own documentation forbids overlap: pods could not reach VPC addresses inside the service range.
function checkServiceCidrOutsideVpc(scope: IConstruct, cidr: string, vpc: ec2.IVpc): void {
  const vpcCidr = literalVpcCidr(vpc);
  if (vpcCidr !== undefined && cidrsOverlap(cidr, vpcCidr)) {
    throw new SafeEksError(scope, 'ServiceCidrOverlapsVpc',
      '`serviceIpv4Cidr` overlaps the VPC: service IPs would shadow VPC addresses, and EKS refuses the cluster.',
      `${show(cidr)} and VPC ${vpc.node.path} ${show(vpcCidr)}`, 'choose a block outside the VPC, such as "172.20.0.0/16" for a 10.x VPC');
  }
}

// An ec2.Vpc's vpcCidrBlock is a GetAtt; its CfnVPC still holds the literal block.
function literalVpcCidr(vpc: ec2.IVpc): string | undefined {
  if (!Token.isUnresolved(vpc.vpcCidrBlock)) return vpc.vpcCidrBlock;
  const cidr = (vpc.node.defaultChild as ec2.CfnVPC | undefined)?.cidrBlock;
  return typeof cidr === 'string' && !Token.isUnresolved(cidr) ? cidr : undefined;
}

function checkEndpointCidrs(scope: IConstruct, access: eks.EndpointAccess | undefined): void {
  for (const cidr of endpointPublicCidrs(access) ?? []) {
    if (typeof cidr !== 'string' || !Token.isUnresolved(cidr)) {
      refuse(scope, cidr, ipv4CidrProblem(String(cidr), 'endpointAccess (onlyFrom)'));
    }
  }
}

/** A KMS key must be in the region of the stack that uses it: EKS, RDS and ElastiCache accept no key from another region. */
export function checkSameRegion(scope: IConstruct, prop: string, key: IResource | undefined): void {
  if (key === undefined) return;
  const keyRegion = key.env?.region;
  const region = Stack.of(scope).region;
  if (isLiteral(keyRegion) && isLiteral(region) && keyRegion !== region) {
    throw new SafeEksError(scope, 'KeyInOtherRegion',
      `\`${prop}\` is a KMS key in another region; AWS services encrypt only with keys of their own region.`,
      `key ${key.node.path} in ${show(keyRegion)}, stack in ${show(region)}`, `use a key in ${region}, or leave \`${prop}\` unset for a new one`);
  }
}

// EKS allows one access entry per principal: a second one fails the deploy, and dropping it silently would
// hide a copy-paste that meant another role. Refused, naming both positions.
function checkNoDuplicateAdmins(scope: IConstruct, roles: iam.IRole[]): void {
  const seen = new Map<string, number>();
  roles.forEach((role, i) => {
    const key = role.roleArn;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new SafeEksError(scope, 'DuplicateAdminRole',
        `\`adminRoles[${i}]\` is the same principal as \`adminRoles[${first}]\`; EKS allows one access entry per principal, so the deploy would fail.`,
        Token.isUnresolved(key) ? role.node.path : show(key), `list each role once (if another role was meant at position ${i}, pass that one)`);
    }
    seen.set(key, i);
  });
}

/** EKS needs control-plane subnets in at least two availability zones, all in the cluster's VPC. */
function checkControlPlaneSubnets(scope: IConstruct, vpc: ec2.IVpc, selections: ec2.SubnetSelection[]): void {
  const zones = new Set<string>();
  let allLiteral = true;
  selections.forEach((selection, i) => {
    checkSubnetsInVpc(scope, `vpcSubnets[${i}]`, vpc, selection);
    for (const subnet of vpc.selectSubnets(selection).subnets) {
      if (isLiteral(subnet.availabilityZone)) zones.add(subnet.availabilityZone); else allLiteral = false;
    }
  });
  if (allLiteral && zones.size === 1) {
    throw new SafeEksError(scope, 'SingleAvailabilityZone',
      'the control-plane subnets are all in one availability zone; EKS requires subnets in at least two.',
      `zone ${show([...zones][0])}`, 'select subnets in two or more zones (the default private subnets of a VPC with maxAzs >= 2 do)');
  }
}

/** Explicit subnets must belong to `vpc`: an ENI cannot be placed in a subnet of another VPC. */
export function checkSubnetsInVpc(scope: IConstruct, prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): void {
  checkValue(scope, `${prop}.subnets`, selection?.subnets, { type: 'array', name: 'array of ec2.ISubnet', items: { type: 'object', name: 'ec2.ISubnet', members: ['subnetId'] } });
  for (const subnet of selection?.subnets ?? []) {
    const owner = owningVpc(subnet);
    if (owner !== undefined && owner !== vpc && owner.vpcId !== vpc.vpcId) {
      throw new SafeEksError(scope, 'SubnetOfOtherVpc', `\`${prop}\` names a subnet of another VPC than the cluster's.`,
        `subnet ${subnet.node.path} of VPC ${owner.node.path}, cluster VPC ${vpc.node.path}`, 'select subnets of the cluster\'s VPC');
    }
  }
}

// Subnets made by ec2.Vpc or Vpc.fromVpcAttributes are children of their VPC; an imported subnet has no known VPC.
function owningVpc(subnet: ec2.ISubnet): ec2.IVpc | undefined {
  const scopes = subnet.node.scopes;
  for (let i = scopes.length - 2; i >= 0; i--) {
    const candidate = scopes[i] as Partial<ec2.IVpc>;
    if (typeof candidate.selectSubnets === 'function' && 'vpcId' in candidate) return candidate as ec2.IVpc;
  }
  return undefined;
}

/** Types of `SafeClusterAttributes`, then the EKS and EC2 rules for the literal names and IDs an import carries. */
export function checkImportAttributes(scope: ErrorScope, attributes: object): void {
  checkProps(scope, 'attrs', attributes, {
    clusterName: { type: 'string', required: true },
    clusterArn: { type: 'string' },
    vpc: { ...VPC, required: true },
    nodeSecurityGroupId: { type: 'string', required: true },
    controlPlaneSecurityGroupId: { type: 'string', required: true },
    restrictNodeEgress: { type: 'boolean' },
    version: { type: 'object', name: 'eks.KubernetesVersion', members: ['version'] },
  });
  const attrs = attributes as { [key: string]: unknown };
  const name = attrs.clusterName as string;
  if (isLiteral(name)) refuse(scope, name, clusterNameProblem(name));
  for (const prop of ['nodeSecurityGroupId', 'controlPlaneSecurityGroupId']) {
    const id = attrs[prop] as string;
    if (isLiteral(id)) refuse(scope, id, securityGroupIdProblem(id, prop));
  }
  if (isLiteral(attrs.nodeSecurityGroupId) && attrs.nodeSecurityGroupId === attrs.controlPlaneSecurityGroupId) {
    throw new SafeEksError(scope, 'SameGroupTwice',
      '`nodeSecurityGroupId` and `controlPlaneSecurityGroupId` name the same group; a SafeCluster has two owned groups, and rules between them would be rules of a group to itself.',
      show(attrs.nodeSecurityGroupId), 'pass the two IDs the exporting app outputs for nodeSecurityGroup and controlPlaneSecurityGroup');
  }
}

/** What `SafeNodegroup` checks beyond sizes: types, the EKS name rule, instance type names and subnets. */
export function checkNodegroupInputs(scope: IConstruct, nodegroupProps: object): void {
  checkProps(scope, 'props', nodegroupProps, {
    cluster: { type: 'object', name: 'ISafeCluster (a SafeCluster or SafeCluster.fromSafeClusterAttributes)', required: true, members: ['nodeSecurityGroup', 'cluster', 'vpc'] },
    instanceTypes: { type: 'array', name: 'array of ec2.InstanceType', items: INSTANCE_TYPE },
    nodegroupName: { type: 'string' },
    subnets: SUBNET_SELECTION,
    minSize: { type: 'number' }, maxSize: { type: 'number' }, desiredSize: { type: 'number' },
    diskSize: { type: 'number' }, rootVolumeSizeGiB: { type: 'number' },
    amiType: { type: 'string', name: 'eks.NodegroupAmiType', oneOf: Object.values(eks.NodegroupAmiType) },
    capacityType: { type: 'string', name: 'eks.CapacityType', oneOf: Object.values(eks.CapacityType) },
    labels: { type: 'object' }, tags: { type: 'object' }, taints: { type: 'array' },
    nodeRole: { type: 'object', name: 'iam.IRole', members: ['roleArn'] },
    remoteAccess: { type: 'object', name: 'eks.NodegroupRemoteAccess' },
    launchTemplateSpec: { type: 'object', name: 'eks.LaunchTemplateSpec' },
    kubernetesVersion: { type: 'object', name: 'eks.KubernetesVersion', members: ['version'] },
    releaseVersion: { type: 'string' },
  });
  const props = nodegroupProps as { [key: string]: unknown };
  const name = props.nodegroupName as string | undefined;
  if (isLiteral(name)) refuse(scope, name, nodegroupNameProblem(name));
  ((props.instanceTypes ?? []) as ec2.InstanceType[]).forEach((t, i) => {
    const id = t.toString();
    if (isLiteral(id)) refuse(scope, id, instanceTypeProblem(id, `instanceTypes[${i}]`));
  });
  const cluster = props.cluster as { vpc: ec2.IVpc };
  checkSubnetsInVpc(scope, 'subnets', cluster.vpc, props.subnets as ec2.SubnetSelection | undefined);
}

/** `addNodegroup` and `addFargateProfile` arguments. */
export function checkMethodArguments(scope: IConstruct, method: string, id: unknown, options: unknown, optionsSpec: { [prop: string]: TypeSpec }, optionsRequired: boolean): void {
  checkValue(scope, `${method}: id`, id, { type: 'string', required: true });
  checkProps(scope, `${method}: options`, options, optionsSpec, optionsRequired);
}

