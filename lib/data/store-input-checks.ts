import { IResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct, IValidation } from 'constructs';
import {
  cacheEngineVersionProblem, cacheNodeTypeProblem, instanceTypeProblem, masterUsernameProblem, postgresNameProblem, replicationGroupIdProblem,
  reservedPostgresDatabaseNameProblem, reservedPostgresUsernameProblem,
} from '../model/aws-naming-rules';
import { namesEksCreatedGroup } from '../model/group-ref';
import { literalClusterSecurityGroupId } from '../private/cdk-internals';
import { checkSameRegion } from '../cluster/cluster-input-checks';
import { SafeEksError, formatProblem, show } from '../private/errors';
import { TypeSpec, checkProps, checkValue, describe, isLiteral, refuse } from '../private/guards';

/**
 * Input checks of the data-store constructs and their methods: types first (jsii callers), then the
 * RDS and ElastiCache naming and version rules, then facts about the stack, VPC and key.
 */

const VPC: TypeSpec = { type: 'object', name: 'ec2.IVpc', members: ['vpcId', 'selectSubnets'] };
const KEY: TypeSpec = { type: 'object', name: 'kms.IKey', members: ['keyArn'] };
// A missing `vpc` is reported by each constructor in its own words.
const COMMON: { [prop: string]: TypeSpec } = {
  vpc: VPC,
  vpcSubnets: { type: 'object', name: 'ec2.SubnetSelection' },
  port: { type: 'number' },
  removalPolicy: { type: 'string', name: 'RemovalPolicy', oneOf: ['destroy', 'retain', 'snapshot', 'retain-on-update-or-delete'] },
};

/** The `vpc` every store is built in, checked before its network is. */
export function checkStoreVpc(scope: Construct, vpc: unknown): void {
  checkValue(scope, 'vpc', vpc, VPC);
}

/** `DependentDatabaseProps`: types, PostgreSQL names, the instance class name, the key's region, the stack kind. */
export function checkDatabaseInputs(scope: Construct, props: object): void {
  checkProps(scope, 'props', props, {
    ...COMMON,
    kind: { type: 'string', name: 'DatabaseKind', oneOf: ['aurora-postgresql', 'postgresql-instance'] },
    auroraEngineVersion: { type: 'object', name: 'rds.AuroraPostgresEngineVersion', members: ['auroraPostgresMajorVersion'] },
    postgresEngineVersion: { type: 'object', name: 'rds.PostgresEngineVersion', members: ['postgresMajorVersion'] },
    instanceType: { type: 'object', name: 'ec2.InstanceType', members: ['architecture'] },
    readers: { type: 'number' },
    allocatedStorageGiB: { type: 'number' },
    databaseName: { type: 'string' },
    masterUsername: { type: 'string' },
    identifier: { type: 'string' },
    backupPlan: { type: 'object', name: 'backup.IBackupPlan', members: ['backupPlanId'] },
    storageEncryptionKey: KEY,
    backupRetention: { type: 'object', name: 'Duration', members: ['toDays'] },
    deletionProtection: { type: 'boolean' },
  });
  const p = props as { [key: string]: unknown };
  const databaseName = p.databaseName as string | undefined;
  if (isLiteral(databaseName)) refuse(scope, databaseName, postgresNameProblem(databaseName, 'databaseName') ?? reservedPostgresDatabaseNameProblem(databaseName));
  const username = p.masterUsername as string | undefined;
  if (isLiteral(username)) refuse(scope, username, masterUsernameProblem(username) ?? reservedPostgresUsernameProblem(username));
  const instanceType = p.instanceType?.toString();
  if (isLiteral(instanceType)) refuse(scope, instanceType, instanceTypeProblem(instanceType, 'instanceType'));
  checkSameRegion(scope, 'storageEncryptionKey', p.storageEncryptionKey as IResource | undefined);
  checkDefaultSubnets(scope, props);
}

/** `DependentCacheProps`: types, ElastiCache names and versions, the key's region, the stack kind. */
export function checkCacheInputs(scope: Construct, props: object): void {
  checkProps(scope, 'props', props, {
    ...COMMON,
    engine: { type: 'string', name: 'CacheEngine', oneOf: ['valkey', 'redis'] },
    engineVersion: { type: 'string' },
    nodeType: { type: 'string' },
    replicas: { type: 'number' },
    replicationGroupId: { type: 'string' },
    encryptionKey: KEY,
    snapshotRetentionDays: { type: 'number' },
  });
  const p = props as { [key: string]: string | undefined };
  if (isLiteral(p.replicationGroupId)) refuse(scope, p.replicationGroupId, replicationGroupIdProblem(p.replicationGroupId));
  if (isLiteral(p.nodeType)) refuse(scope, p.nodeType, cacheNodeTypeProblem(p.nodeType));
  if (isLiteral(p.engineVersion)) refuse(scope, p.engineVersion, cacheEngineVersionProblem(p.engine ?? 'valkey', p.engineVersion));
  checkSameRegion(scope, 'encryptionKey', (props as { encryptionKey?: IResource }).encryptionKey);
  checkDefaultSubnets(scope, props);
}

/** Where a store goes unless `vpcSubnets` says otherwise: it needs no route to anywhere. */
export const DEFAULT_STORE_SUBNETS: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

/**
 * A store goes into the VPC's isolated subnets (`DEFAULT_STORE_SUBNETS`) unless `vpcSubnets` says otherwise: a VPC without any
 * (`SafeVpc`'s default layout is public and private with egress) would fail deep in aws-cdk-lib with a
 * message about the VPC, not the store.
 */
function checkDefaultSubnets(scope: Construct, props: object): void {
  const { vpc, vpcSubnets } = props as { vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection };
  if (vpc === undefined || vpcSubnets !== undefined || vpc.isolatedSubnets.length > 0) return;
  const counts: Array<[number, string]> = [[vpc.privateSubnets.length, 'private with egress'], [vpc.publicSubnets.length, 'public']];
  const kinds = counts.filter(([n]) => n > 0).map(([n, kind]) => `${n} ${kind}`);
  throw new SafeEksError(scope, 'NoIsolatedSubnets',
    '`vpc` has no isolated subnets, where a store goes by default (it needs no route to anywhere), and `vpcSubnets` is not set.',
    `${vpc.node.path} with ${kinds.length > 0 ? kinds.join(' and ') : 'no'} subnets`,
    'pass `vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }` to use the private subnets, or create the VPC with a `PRIVATE_ISOLATED` '
    + 'subnet group (`subnetConfiguration`); adding a subnet group to a deployed VPC moves its subnets, so do that only in a new VPC');
}

/** `DataStoreAccessProps`: types, and a group that is not an EKS-created cluster group. */
export function checkStoreAccessInputs(scope: Construct, props: object): void {
  checkProps(scope, 'props', props, {
    securityGroup: { type: 'object', name: 'ec2.ISecurityGroup', required: true, members: ['securityGroupId', 'addIngressRule'] },
    port: { type: 'number', required: true },
    vpc: VPC,
    modifySecurityGroup: { type: 'boolean' },
  });
  const group = (props as { securityGroup: ec2.ISecurityGroup }).securityGroup;
  const groupId = group.securityGroupId;
  const isEksCreatedGroup = Token.isUnresolved(groupId) && Construct.isConstruct(group)
    && namesEksCreatedGroup(Stack.of(group).resolve(groupId));
  if (isEksCreatedGroup) {
    throw new SafeEksError(scope, 'EksClusterSecurityGroup',
      '`securityGroup` is the security group EKS creates for a cluster. EKS rewrites that group\'s rules on upgrades; in the 2021-01-11 outage such a rewrite cut databases and caches off from every node.',
      `${group.node.path} (ClusterSecurityGroupId)`, 'pass the store\'s own security group, and reach it from a SafeCluster with allowFrom(cluster)');
  }
}

/**
 * At synth: the store's group, given by literal ID, is the EKS-created group of an EKS cluster this
 * app creates or imports (its `clusterSecurityGroupId`). Only the finished tree holds every cluster.
 */
export class StoreGroupValidation implements IValidation {
  constructor(private readonly scope: IConstruct, private readonly group: ec2.ISecurityGroup) {}

  public validate(): string[] {
    const groupId = this.group.securityGroupId;
    if (Token.isUnresolved(groupId)) return [];
    const cluster = this.scope.node.root.node.findAll().find((c) => literalClusterGroupId(c) === groupId);
    return cluster ? [formatProblem(this.scope,
      '`securityGroup` is the security group EKS created for a cluster of this app. EKS rewrites that group\'s rules on upgrades; in the 2021-01-11 outage such a rewrite cut databases and caches off from every node.',
      `${show(groupId)}, the clusterSecurityGroupId of ${cluster.node.path}`, 'pass the store\'s own security group, and reach it from a SafeCluster with allowFrom(cluster)')] : [];
  }
}

// aws-eks(-v2) clusters expose their EKS-created group here; an import without it throws on read.
function literalClusterGroupId(construct: IConstruct): string | undefined {
  if (!('clusterSecurityGroupId' in construct) || !('clusterName' in construct)) return undefined;
  return literalClusterSecurityGroupId(construct);
}

/** The argument of `allowFrom(cluster)`. */
export function checkClusterArgument(scope: IConstruct, cluster: unknown): void {
  checkValue(scope, 'allowFrom: cluster', cluster, { type: 'object', name: 'ISafeCluster', required: true });
}

/** The arguments of a store's `connections.allowFrom(other, portRange)` (and `allowDefaultPortFrom(other)`). */
export function checkConnectionsArguments(scope: IConstruct, other: unknown, portRange: unknown): void {
  checkValue(scope, 'connections.allowFrom: other', other, { type: 'object', name: 'ec2.IConnectable', required: true, members: ['connections'] });
  checkValue(scope, 'connections.allowFrom: portRange', portRange, { type: 'object', name: 'ec2.Port', required: true, members: ['toRuleJson'] });
}

/** The arguments of `grantConnect(grantee, dbUser)`. */
export function checkGrantConnectArguments(scope: IConstruct, grantee: unknown, dbUser: unknown): void {
  checkValue(scope, 'grantConnect: grantee', grantee, { type: 'object', name: 'iam.IGrantable', required: true, members: ['grantPrincipal'] });
  checkValue(scope, 'grantConnect: dbUser', dbUser, { type: 'string', required: true });
  if (dbUser === '') {
    throw new SafeEksError(scope, 'DatabaseUser', '`dbUser` must name a database user.', '""', 'pass the user the workload signs in as, such as "app"');
  }
}

/**
 * A store whose VPC lives in the client cluster's stack, while the store is in another stack, makes
 * a cycle: the store's stack uses the VPC (store -> cluster stack) and the cluster's rules import
 * the store's group (cluster -> store stack). CDK would report a bare DependencyCycle at synth.
 */
export function checkNoVpcCycle(store: { scope: Construct; vpc?: ec2.IVpc; securityGroupExportName?: string }, clientGroup: ec2.ISecurityGroup): void {
  // Only stores this library creates put resources in the VPC; DataStoreAccess merely compares it.
  if (store.vpc === undefined || store.securityGroupExportName === undefined) return;
  const storeStack = Stack.of(store.scope);
  const clientStack = Stack.of(clientGroup);
  if (storeStack !== clientStack && Stack.of(store.vpc) === clientStack) {
    throw new SafeEksError(store.scope, 'VpcInClientStack',
      'the store\'s VPC is defined in the client cluster\'s stack while the store is in another stack: the store stack depends on the cluster stack for the VPC, and the cluster stack on the store stack for the store\'s group, a dependency cycle CloudFormation cannot deploy.',
      `VPC ${store.vpc.node.path} in stack ${clientStack.node.path}, store in stack ${storeStack.node.path}`,
      'move the VPC into its own stack (a network stack both the cluster and the data stacks use)');
  }
}

/**
 * True when two VPCs are certainly different: two literal IDs that differ, two VPCs created in
 * this app, or one created here and one imported by literal ID (a VPC created by this app cannot
 * already have an ID). Anything else (an ID from an import or a parameter) cannot be told at synth.
 */
export function vpcsCertainlyDiffer(a: ec2.IVpc, b: ec2.IVpc): boolean {
  if (a === b || a.vpcId === b.vpcId) return false;
  const literalA = !Token.isUnresolved(a.vpcId);
  const literalB = !Token.isUnresolved(b.vpcId);
  const createdA = a instanceof ec2.Vpc;
  const createdB = b instanceof ec2.Vpc;
  return (literalA && literalB) || (createdA && createdB) || (createdA && literalB) || (literalA && createdB);
}

/** Names a client in a message: its construct path, a peer's address range, or what it is when it is neither. */
export function describeClient(x: unknown): string {
  if (Construct.isConstruct(x)) return x.node.path;
  // client.connections.allowTo(store) hands the store the client's Connections, which only knows its groups.
  if (x instanceof ec2.Connections) return `the connections of security group(s) ${x.securityGroups.map((g) => g.node.path).join(', ') || 'none'}`;
  // An ec2.IPeer names itself by its public `uniqueId`.
  const uniqueId: unknown = typeof x === 'object' && x !== null ? (x as { uniqueId?: unknown }).uniqueId : undefined;
  return typeof uniqueId === 'string' ? uniqueId : `a client that is not a construct (${describe(x)})`;
}

