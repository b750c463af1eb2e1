import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DataStoreKind } from './data-store-kind';
import { DependentDataStore } from './dependent-data-store';
import { acknowledgeRules } from '../private/acknowledgements';
import { requireScope } from '../private/guards';
import { DEFAULT_STORE_SUBNETS, checkCacheInputs } from './store-input-checks';
import { createRetainedKey, stableIdentifier } from './store-access';
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
   * letter, without two hyphens in a row or a hyphen at the end. Changing it replaces the cache. A
   * literal name makes CloudFormation refuse any other change that would replace the cache (a new
   * port, key or engine) instead of creating a new, empty cache with a new endpoint.
   *
   * @default - derived from the construct path and stack name (lowercase, with a hash), stable across deploys
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
   * @default 15 - the minimum the HIPAA, NIST 800-53 R5 and PCI DSS rule sets of cdk-nag accept
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
const MAX_REPLICAS = 5;
const MAX_REPLICATION_GROUP_ID_LENGTH = 40;
const MAX_SNAPSHOT_DAYS = 35;
const DEFAULT_SNAPSHOT_DAYS = 15;
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
export class DependentCache extends DependentDataStore {
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Hostname of the primary endpoint. */
  public readonly primaryEndpointAddress: string;
  /** The AUTH token clients send; its value is passed to ElastiCache as a dynamic reference, never in the template. */
  public readonly authToken: secretsmanager.ISecret;
  /** The key that encrypts data at rest and the AUTH token. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: DependentCacheProps) {
    super(requireScope('DependentCache', scope, id), id, { vpc: props?.vpc, port: props?.port ?? DEFAULT_PORT, kind: DataStoreKind.CACHE });
    checkCacheInputs(this, props);
    validateProps(this, props);
    this.encryptionKey = props.encryptionKey ?? createRetainedKey(this, 'EncryptionKey', `Data at rest and AUTH token of cache ${this.node.path}`);
    this.authToken = this.createAuthToken();
    this.replicationGroup = this.createReplicationGroup(props, this.createSubnetGroup(props));
    this.primaryEndpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;
    this.acknowledgeDefaultPort(DEFAULT_PORT, 'AwsSolutions-AEC5',
      'The Redis/Valkey default port is kept on purpose: the security group admits only the owned node groups of named clusters '
      + 'and every client needs TLS and the AUTH token, so a different port would hide nothing. Set `port` to change it.');
  }

  private createAuthToken(): secretsmanager.Secret {
    const authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: `AUTH token of cache ${this.node.path}`,
      encryptionKey: this.encryptionKey,
      generateSecretString: { passwordLength: AUTH_TOKEN_LENGTH, excludePunctuation: true },
    });
    acknowledgeRules(authToken, ['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled'],
      'Secrets Manager has no rotation function for ElastiCache AUTH tokens; a token is rotated with ModifyReplicationGroup '
      + '(AuthTokenUpdateStrategy ROTATE then SET), which keeps the old token valid until clients have moved.');
    return authToken;
  }

  private createSubnetGroup(props: DependentCacheProps): elasticache.CfnSubnetGroup {
    return new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `cdk-safe-eks cache ${this.node.path}`,
      subnetIds: props.vpc.selectSubnets(props.vpcSubnets ?? DEFAULT_STORE_SUBNETS).subnetIds,
    });
  }

  private createReplicationGroup(props: DependentCacheProps, subnetGroup: elasticache.CfnSubnetGroup): elasticache.CfnReplicationGroup {
    const engine = props.engine ?? CacheEngine.VALKEY;
    const replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `cdk-safe-eks cache ${this.node.path}`,
      // Literal by default: a change that replaces the cache (port, key, engine) fails loudly instead of creating an empty one.
      replicationGroupId: props.replicationGroupId ?? stableIdentifier(this, MAX_REPLICATION_GROUP_ID_LENGTH),
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
      snapshotRetentionLimit: props.snapshotRetentionDays ?? DEFAULT_SNAPSHOT_DAYS,
      autoMinorVersionUpgrade: true,
    });
    replicationGroup.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.SNAPSHOT);
    return replicationGroup;
  }
}

function validateProps(scope: Construct, props: DependentCacheProps): void {
  requireIntegerInRange(scope, 'replicas', props.replicas, 1, MAX_REPLICAS);
  requireIntegerInRange(scope, 'snapshotRetentionDays', props.snapshotRetentionDays, 1, MAX_SNAPSHOT_DAYS);
}
