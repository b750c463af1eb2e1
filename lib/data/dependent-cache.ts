import { RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { IDependentDataStore } from './data-store-access';
import { ISafeCluster } from '../cluster/i-safe-cluster';
import { SafeEksError, show } from '../private/errors';
import {
  StoreTarget, allowClusterAccess, createOwnedStoreNetwork, createRetainedKey, requireLiteralPort,
} from './store-access';
import { requireIntegerInRange } from '../private/validate';

/** The engine of a `DependentCache`, with the value ElastiCache expects in `Engine`. */
export enum CacheEngine {
  /** Valkey, the open-source fork of Redis OSS maintained under the Linux Foundation. */
  VALKEY = 'valkey',
  /** Redis OSS. */
  REDIS = 'redis',
}

/** Properties of a `DependentCache`. */
export interface DependentCacheProps {
  /** The VPC of the clusters that use the cache. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the cache nodes, in at least two availability zones.
   *
   * @default - the VPC's private isolated subnets: the cache needs no route to anywhere
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Cache engine.
   *
   * @default CacheEngine.VALKEY
   */
  readonly engine?: CacheEngine;
  /**
   * Engine version.
   *
   * @default - '8.0' for Valkey, '7.1' for Redis OSS
   */
  readonly engineVersion?: string;
  /**
   * Node type of every node.
   *
   * @default 'cache.r7g.large'
   */
  readonly nodeType?: string;
  /**
   * Number of replicas of the primary (1 to 5). At least one is required for Multi-AZ failover.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * TCP port of the cache.
   *
   * @default 6379
   */
  readonly port?: number;
  /**
   * Name of the replication group: 1 to 40 lowercase letters, digits or hyphens, starting with a
   * letter, without two hyphens in a row or a hyphen at the end. Changing it replaces the cache.
   *
   * @default - a name CloudFormation generates
   */
  readonly replicationGroupId?: string;
  /**
   * KMS key for data at rest and the AUTH token secret.
   *
   * @default - a new key with rotation on, retained when the stack is deleted
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Days automatic snapshots are kept (1 to 35).
   *
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
  /**
   * What happens to the cache when it leaves the stack.
   *
   * @default RemovalPolicy.SNAPSHOT - a final snapshot is taken before deletion
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_PORT = 6379;
const DEFAULT_VERSIONS: Record<CacheEngine, string> = { [CacheEngine.VALKEY]: '8.0', [CacheEngine.REDIS]: '7.1' };
const REPLICATION_GROUP_ID_PATTERN = /^[a-z](?!.*--)[a-z0-9-]{0,39}$/;
const NODE_TYPE_PATTERN = /^cache\.[a-z0-9]+\.[a-z0-9]+$/;
const MAX_REPLICAS = 5;
const MAX_SNAPSHOT_DAYS = 35;
// ElastiCache AUTH tokens: 16 to 128 printable characters; alphanumerics avoid the forbidden ones.
const AUTH_TOKEN_LENGTH = 64;

/**
 * A Valkey (or Redis OSS) replication group for the workloads of SafeClusters: Multi-AZ with
 * automatic failover, encrypted at rest with KMS and in transit (TLS required), an AUTH token
 * generated in Secrets Manager, its own subnet group and security group with no outbound rules,
 * daily snapshots and a final snapshot on removal. Clients are admitted only with `allowFrom(cluster)`.
 *
 * aws-cdk-lib has no L2 for replication groups (the `@aws-cdk/aws-elasticache-alpha` module covers
 * serverless caches and users only), so the replication group and subnet group are L1.
 */
export class DependentCache extends Construct implements IDependentDataStore {
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly port: number;
  /** `allowDefaultPortFrom(client)` here places rules like `allowFrom(cluster)`. */
  public readonly connections: ec2.Connections;
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Hostname of the primary endpoint. */
  public readonly primaryEndpointAddress: string;
  /** The AUTH token clients send; its value is passed to ElastiCache as a dynamic reference, never in the template. */
  public readonly authToken: secretsmanager.ISecret;
  /** The key that encrypts data at rest and the AUTH token. */
  public readonly encryptionKey: kms.IKey;
  /** Name of the stack export of the security group ID that client stacks import. */
  public readonly securityGroupExportName: string;

  private readonly target: StoreTarget;

  constructor(scope: Construct, id: string, props: DependentCacheProps) {
    super(scope, id);
    validateProps(this, props);
    this.port = props.port ?? DEFAULT_PORT;
    const engine = props.engine ?? CacheEngine.VALKEY;

    const network = createOwnedStoreNetwork(this, props.vpc, this.port, 'cache');
    this.securityGroup = network.securityGroup;
    this.securityGroupExportName = network.securityGroupExportName;
    this.target = network.target;
    this.connections = network.connections;

    this.encryptionKey = props.encryptionKey ?? createRetainedKey(this, 'EncryptionKey', `Data at rest and AUTH token of cache ${this.node.path}`);
    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: `AUTH token of cache ${this.node.path}`,
      encryptionKey: this.encryptionKey,
      generateSecretString: { passwordLength: AUTH_TOKEN_LENGTH, excludePunctuation: true },
    });
    Validations.of(this.authToken).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Secrets Manager has no rotation function for ElastiCache AUTH tokens; a token is rotated with ModifyReplicationGroup '
        + '(AuthTokenUpdateStrategy ROTATE then SET), which keeps the old token valid until clients have moved.',
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `cdk-safe-eks cache ${this.node.path}`,
      subnetIds: props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `cdk-safe-eks cache ${this.node.path}`,
      replicationGroupId: props.replicationGroupId,
      engine,
      engineVersion: props.engineVersion ?? DEFAULT_VERSIONS[engine],
      cacheNodeType: props.nodeType ?? 'cache.r7g.large',
      numCacheClusters: (props.replicas ?? 1) + 1,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      port: this.port,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      atRestEncryptionEnabled: true,
      kmsKeyId: this.encryptionKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 7,
      autoMinorVersionUpgrade: true,
    });
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.SNAPSHOT);
    this.primaryEndpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;


    if (this.port === DEFAULT_PORT) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-AEC5',
        reason: 'The Redis/Valkey default port is kept on purpose: the security group admits only the owned node groups of named clusters '
          + 'and every client needs TLS and the AUTH token, so a different port would hide nothing. Set `port` to change it.',
      });
    }
  }

  public allowFrom(cluster: ISafeCluster): void {
    allowClusterAccess(this.target, cluster);
  }
}

function validateProps(scope: Construct, props: DependentCacheProps): void {
  if (props.vpc === undefined) {
    throw new SafeEksError(scope, 'Vpc', '`vpc` is required.', 'undefined', 'pass the VPC of the clusters that use the cache');
  }
  requireLiteralPort(scope, 'port', props.port ?? DEFAULT_PORT);
  requireIntegerInRange(scope, 'replicas', props.replicas, 1, MAX_REPLICAS);
  requireIntegerInRange(scope, 'snapshotRetentionDays', props.snapshotRetentionDays, 1, MAX_SNAPSHOT_DAYS);
  const id = props.replicationGroupId;
  if (id !== undefined && !Token.isUnresolved(id) && (!REPLICATION_GROUP_ID_PATTERN.test(id) || id.endsWith('-'))) {
    throw new SafeEksError(scope, 'ReplicationGroupId',
      '`replicationGroupId` must be 1 to 40 lowercase letters, digits or hyphens, start with a letter, and have no two hyphens in a row or a hyphen at the end.',
      show(id), 'choose a name such as "payments-cache"');
  }
  const nodeType = props.nodeType;
  if (nodeType !== undefined && !Token.isUnresolved(nodeType) && !NODE_TYPE_PATTERN.test(nodeType)) {
    throw new SafeEksError(scope, 'NodeType', '`nodeType` must be an ElastiCache node type of the form cache.<family>.<size>.',
      show(nodeType), 'use a node type such as "cache.r7g.large"');
  }
}
