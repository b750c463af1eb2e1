import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { IDependentDataStore } from './data-store-access';
import { ISafeCluster } from '../cluster/i-safe-cluster';
import { SafeEksError, show } from '../private/errors';
import {
  StoreTarget, allowClusterAccess, createOwnedStoreNetwork, createRetainedKey, requireLiteralPort,
} from './store-access';
import { requireIntegerInRange } from '../private/validate';

/** Which PostgreSQL service runs the database. */
export enum DatabaseKind {
  /** An Aurora PostgreSQL cluster: one writer and `readers` readers, failover in about 30 seconds. */
  AURORA_POSTGRESQL = 'aurora-postgresql',
  /** A single RDS for PostgreSQL instance with a Multi-AZ standby. */
  POSTGRESQL_INSTANCE = 'postgresql-instance',
}

/** Properties of a `DependentDatabase`. */
export interface DependentDatabaseProps {
  /** The VPC of the clusters that use the database. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the database.
   *
   * @default - the VPC's private isolated subnets: the database needs no route to anywhere
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Aurora cluster or single instance.
   *
   * @default DatabaseKind.AURORA_POSTGRESQL
   */
  readonly kind?: DatabaseKind;
  /**
   * Engine version when `kind` is `AURORA_POSTGRESQL`.
   *
   * @default rds.AuroraPostgresEngineVersion.VER_17_5
   */
  readonly auroraEngineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Engine version when `kind` is `POSTGRESQL_INSTANCE`.
   *
   * @default rds.PostgresEngineVersion.VER_17_5
   */
  readonly postgresEngineVersion?: rds.PostgresEngineVersion;
  /**
   * Instance class of every database instance.
   *
   * @default r7g.large - memory optimised, supports Performance Insights
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Number of Aurora readers (0 to 15). One reader in another zone is what makes failover fast.
   *
   * @default 1
   */
  readonly readers?: number;
  /**
   * Allocated storage of a `POSTGRESQL_INSTANCE`, in GiB (20 to 65536). Aurora storage grows on its own.
   *
   * @default 100
   */
  readonly allocatedStorageGiB?: number;
  /**
   * TCP port of the database.
   *
   * @default 5432
   */
  readonly port?: number;
  /**
   * Name of a database created with the cluster: 1 to 63 letters, digits or underscores, starting with a letter.
   *
   * @default - none; only the `postgres` database exists
   */
  readonly databaseName?: string;
  /**
   * Name of the master user whose password Secrets Manager generates and holds.
   *
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;
  /**
   * KMS key for storage, Performance Insights and the credentials secret.
   *
   * @default - a new key with rotation on, retained when the stack is deleted
   */
  readonly storageEncryptionKey?: kms.IKey;
  /**
   * How long automated backups are kept (1 to 35 days).
   *
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;
  /**
   * Refuse deletion of the database, including by a stack deletion or replacement.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the database when it leaves the stack.
   *
   * @default RemovalPolicy.SNAPSHOT - a final snapshot is taken before deletion
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_PORT = 5432;
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const RESERVED_USERNAMES = /^(rdsadmin|rds_.*|pg_.*)$/i;
const MAX_READERS = 15;
const MIN_STORAGE_GIB = 20;
const MAX_STORAGE_GIB = 65536;
const MIN_BACKUP_DAYS = 1;
const MAX_BACKUP_DAYS = 35;

/**
 * A PostgreSQL database (Aurora by default) for the workloads of SafeClusters: private isolated
 * subnets, its own security group with no outbound rules, KMS-encrypted storage, TLS required,
 * IAM authentication, credentials in Secrets Manager, backups, deletion protection and a final
 * snapshot on removal. Clients are admitted only with `allowFrom(cluster)`.
 */
export class DependentDatabase extends Construct implements IDependentDataStore {
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly port: number;
  /** `allowDefaultPortFrom(client)` here places rules like `allowFrom(cluster)`. */
  public readonly connections: ec2.Connections;
  /** Hostname of the writer endpoint. */
  public readonly endpointAddress: string;
  /** Master user credentials (JSON with `username`, `password`, `host`, `port`). */
  public readonly secret: secretsmanager.ISecret;
  /** The key that encrypts storage, Performance Insights and the secret. */
  public readonly storageEncryptionKey: kms.IKey;
  /** Name of the stack export of the security group ID that client stacks import. */
  public readonly securityGroupExportName: string;
  /** The Aurora cluster, when `kind` is `AURORA_POSTGRESQL`. */
  public readonly cluster?: rds.DatabaseCluster;
  /** The instance, when `kind` is `POSTGRESQL_INSTANCE`. */
  public readonly instance?: rds.DatabaseInstance;

  private readonly target: StoreTarget;

  constructor(scope: Construct, id: string, props: DependentDatabaseProps) {
    super(scope, id);
    const kind = props.kind ?? DatabaseKind.AURORA_POSTGRESQL;
    validateProps(this, props, kind);
    this.port = props.port ?? DEFAULT_PORT;

    const network = createOwnedStoreNetwork(this, props.vpc, this.port, 'database');
    this.securityGroup = network.securityGroup;
    this.securityGroupExportName = network.securityGroupExportName;
    this.target = network.target;
    this.connections = network.connections;

    this.storageEncryptionKey = props.storageEncryptionKey ?? createRetainedKey(this, 'StorageKey', `Storage, Performance Insights and credentials of database ${this.node.path}`);

    const masterSecret = new rds.DatabaseSecret(this, 'MasterSecret', {
      username: props.masterUsername ?? 'dbadmin',
      encryptionKey: this.storageEncryptionKey,
    });
    // A snapshot restored later still needs the password it was taken with.
    masterSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const common = {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.securityGroup],
      port: this.port,
      credentials: rds.Credentials.fromSecret(masterSecret),
      storageEncrypted: true,
      storageEncryptionKey: this.storageEncryptionKey,
      iamAuthentication: true,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.storageEncryptionKey,
    };
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);
    const backupRetention = props.backupRetention ?? Duration.days(14);

    if (kind === DatabaseKind.AURORA_POSTGRESQL) {
      const engine = rds.DatabaseClusterEngine.auroraPostgres({
        version: props.auroraEngineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_5,
      });
      // Performance Insights is set per instance too, to match the cluster setting rather than override it.
      const instanceOptions: rds.ProvisionedClusterInstanceProps = {
        instanceType, publiclyAccessible: false,
        enablePerformanceInsights: true, performanceInsightEncryptionKey: this.storageEncryptionKey,
      };
      this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
        ...common,
        engine,
        parameterGroup: forceSslParameters(this, engine),
        writer: rds.ClusterInstance.provisioned('Writer', instanceOptions),
        readers: Array.from({ length: props.readers ?? 1 }, (_, i) => rds.ClusterInstance.provisioned(`Reader${i + 1}`, instanceOptions)),
        defaultDatabaseName: props.databaseName,
        backup: { retention: backupRetention },
        cloudwatchLogsExports: ['postgresql'],
      });
      this.endpointAddress = this.cluster.clusterEndpoint.hostname;
      this.secret = this.cluster.secret!;
    } else {
      const engine = rds.DatabaseInstanceEngine.postgres({
        version: props.postgresEngineVersion ?? rds.PostgresEngineVersion.VER_17_5,
      });
      this.instance = new rds.DatabaseInstance(this, 'Instance', {
        ...common,
        engine,
        parameterGroup: forceSslParameters(this, engine),
        instanceType,
        multiAz: true,
        publiclyAccessible: false,
        allocatedStorage: props.allocatedStorageGiB ?? 100,
        // gp3: baseline IOPS independent of volume size, cheaper than the gp2 default.
        storageType: rds.StorageType.GP3,
        databaseName: props.databaseName,
        backupRetention,
        cloudwatchLogsExports: ['postgresql', 'upgrade'],
      });
      this.endpointAddress = this.instance.dbInstanceEndpointAddress;
      this.secret = this.instance.secret!;
    }

    if (this.port === DEFAULT_PORT) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-RDS11',
        reason: 'The PostgreSQL default port is kept on purpose: the security group admits only the owned node groups of named clusters, '
          + 'so a different port would hide nothing and only break client defaults. Set `port` to change it.',
      });
    }
  }

  public allowFrom(cluster: ISafeCluster): void {
    allowClusterAccess(this.target, cluster);
  }

  /**
   * Lets `grantee` (for example a pod's IAM role) sign in as database user `dbUser` with IAM
   * authentication (`rds-db:connect`), so workloads need no password. The user must exist in the
   * database and be granted the `rds_iam` role.
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.cluster ? this.cluster.grantConnect(grantee, dbUser) : this.instance!.grantConnect(grantee, dbUser);
  }

  /**
   * Rotates the master password with the Secrets Manager single-user rotation function. The
   * function gets its own security group, which this adds as a source of the database's group:
   * the one ingress rule that does not come from a cluster. Give it `vpcSubnets` with a route to
   * Secrets Manager (private subnets with egress, or an `endpoint`).
   */
  public addRotationSingleUser(options: rds.RotationSingleUserOptions = {}): secretsmanager.SecretRotation {
    return this.cluster ? this.cluster.addRotationSingleUser(options) : this.instance!.addRotationSingleUser(options);
  }
}

/** `rds.force_ssl=1`: the server refuses any connection that is not TLS. */
function forceSslParameters(scope: Construct, engine: rds.IEngine): rds.ParameterGroup {
  return new rds.ParameterGroup(scope, 'Parameters', {
    engine,
    description: 'cdk-safe-eks: TLS required on every connection',
    parameters: { 'rds.force_ssl': '1' },
  });
}

function validateProps(scope: Construct, props: DependentDatabaseProps, kind: DatabaseKind): void {
  if (props.vpc === undefined) {
    throw new SafeEksError(scope, 'Vpc', '`vpc` is required.', 'undefined', 'pass the VPC of the clusters that use the database');
  }
  requireLiteralPort(scope, 'port', props.port ?? DEFAULT_PORT);
  requireName(scope, 'databaseName', props.databaseName);
  requireName(scope, 'masterUsername', props.masterUsername);
  const username = props.masterUsername;
  if (username !== undefined && !Token.isUnresolved(username) && RESERVED_USERNAMES.test(username)) {
    throw new SafeEksError(scope, 'ReservedUsername', '`masterUsername` is reserved by RDS or PostgreSQL.', show(username),
      'choose another name, such as "dbadmin"');
  }
  requireIntegerInRange(scope, 'readers', props.readers, 0, MAX_READERS);
  requireIntegerInRange(scope, 'allocatedStorageGiB', props.allocatedStorageGiB, MIN_STORAGE_GIB, MAX_STORAGE_GIB);
  if (props.backupRetention !== undefined && !Token.isUnresolved(props.backupRetention.toDays({ integral: false }))) {
    requireIntegerInRange(scope, 'backupRetention (days)', props.backupRetention.toDays({ integral: false }), MIN_BACKUP_DAYS, MAX_BACKUP_DAYS);
  }
  const aurora = kind === DatabaseKind.AURORA_POSTGRESQL;
  const misplaced = aurora
    ? [['postgresEngineVersion', props.postgresEngineVersion], ['allocatedStorageGiB', props.allocatedStorageGiB]]
    : [['auroraEngineVersion', props.auroraEngineVersion], ['readers', props.readers]];
  for (const [prop, value] of misplaced) {
    if (value !== undefined) {
      throw new SafeEksError(scope, 'PropForOtherKind', `\`${prop}\` does not apply to kind ${kind}.`, `${prop} set with kind ${kind}`,
        `remove \`${prop}\`, or set \`kind\` to the kind it belongs to`);
    }
  }
}

function requireName(scope: Construct, prop: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name) || NAME_PATTERN.test(name)) return;
  throw new SafeEksError(scope, 'DatabaseName',
    `\`${prop}\` must be 1 to 63 letters, digits or underscores, starting with a letter.`, show(name),
    `choose a name such as "payments" for \`${prop}\``);
}
