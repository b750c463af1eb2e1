import { CfnDeletionPolicy, Duration, IResource, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DataStoreKind } from './data-store-kind';
import { DependentDataStore } from './dependent-data-store';
import { acknowledgeEksManagedPolicies, acknowledgeRules } from '../private/acknowledgements';
import { SafeEksError, show } from '../private/errors';
import { checkProps, requireScope } from '../private/guards';
import { DEFAULT_STORE_SUBNETS, checkDatabaseInputs, checkGrantConnectArguments } from './store-input-checks';
import { createRetainedKey, stableIdentifier } from './store-access';
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
   * Engine version when `kind` is `AURORA_POSTGRESQL`. Pin one to control when the minor version moves.
   *
   * @default rds.AuroraPostgresEngineVersion.VER_17_9 - the newest PostgreSQL 17 constant of aws-cdk-lib (Aurora takes no major-only version), kept newest by a test
   */
  readonly auroraEngineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Engine version when `kind` is `POSTGRESQL_INSTANCE`. Pin a minor version (e.g. `VER_17_9`) to control when it moves.
   *
   * @default rds.PostgresEngineVersion.VER_17 - major version only: RDS picks its default minor, so the default never ages out
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
   * Name of the master user whose password Secrets Manager generates and holds: 1 to 16 letters,
   * digits or underscores, starting with a letter, and not reserved by RDS or PostgreSQL.
   *
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;
  /**
   * DB cluster identifier (Aurora) or DB instance identifier: 1 to 63 letters, digits or hyphens,
   * starting with a letter. A literal identifier makes CloudFormation refuse a change that would
   * replace the database (for example `databaseName`), instead of creating a new, empty one.
   *
   * @default - derived from the construct path and stack name (lowercase, with a hash), stable across deploys
   */
  readonly identifier?: string;
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
  /**
   * The AWS Backup plan that also backs the database up, outside RDS (a selection is added to it).
   * Pass your organization's plan to avoid a second one.
   *
   * @default - a new plan: daily backups kept 35 days, in a new vault encrypted with `storageEncryptionKey`, retained
   */
  readonly backupPlan?: backup.IBackupPlan;
}

const DEFAULT_PORT = 5432;
/** The newest Aurora PostgreSQL 17 constant of aws-cdk-lib; a test fails when a newer one appears. */
const DEFAULT_AURORA_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;
const MAX_IDENTIFIER_LENGTH = 63;
const IDENTIFIER_PATTERN = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/;
const MAX_READERS = 15;
const MIN_STORAGE_GIB = 20;
const MAX_STORAGE_GIB = 65536;
const MIN_BACKUP_DAYS = 1;
const MAX_BACKUP_DAYS = 35;

/**
 * The RDS resource behind a `DependentDatabase`, whichever its kind: what an Aurora cluster and a
 * single instance both offer, and the L2 itself for escape hatches.
 */
export interface IDatabaseHandle {
  /** Aurora cluster or single instance. */
  readonly kind: DatabaseKind;
  /** The L2: an `rds.DatabaseCluster` when `kind` is `AURORA_POSTGRESQL`, an `rds.DatabaseInstance` otherwise. */
  readonly resource: IResource;
  /** Hostname of the writer endpoint. */
  readonly endpointAddress: string;
  /** Master user credentials (JSON with `username`, `password`, `host`, `port`). */
  readonly secret: secretsmanager.ISecret;
  /** `rds-db:connect` for `grantee` as database user `dbUser`. */
  grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant;
  /** Rotates the master password with the Secrets Manager single-user rotation function. */
  addRotationSingleUser(options?: rds.RotationSingleUserOptions): secretsmanager.SecretRotation;
}

/** Both RDS L2s have these members with the same signatures. */
type RdsDatabase = rds.DatabaseCluster | rds.DatabaseInstance;

class DatabaseHandle implements IDatabaseHandle {
  constructor(
    public readonly kind: DatabaseKind, private readonly database: RdsDatabase,
    public readonly endpointAddress: string,
  ) {}

  public get resource(): IResource {
    return this.database;
  }

  public get secret(): secretsmanager.ISecret {
    return this.database.secret!;
  }

  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.database.grantConnect(grantee, dbUser);
  }

  public addRotationSingleUser(options: rds.RotationSingleUserOptions = {}): secretsmanager.SecretRotation {
    return this.database.addRotationSingleUser(options);
  }
}

/** Settings both kinds share, resolved from the props once. */
interface CommonSettings {
  readonly common: {
    readonly vpc: ec2.IVpc;
    readonly vpcSubnets: ec2.SubnetSelection;
    readonly securityGroups: ec2.ISecurityGroup[];
    readonly port: number;
    readonly credentials: rds.Credentials;
    readonly storageEncrypted: boolean;
    readonly storageEncryptionKey: kms.IKey;
    readonly iamAuthentication: boolean;
    readonly deletionProtection: boolean;
    readonly removalPolicy: RemovalPolicy;
    readonly enablePerformanceInsights: boolean;
    readonly performanceInsightEncryptionKey: kms.IKey;
    readonly monitoringInterval: Duration;
    readonly monitoringRole: iam.IRole;
  };
  readonly identifier: string;
  readonly instanceType: ec2.InstanceType;
  readonly backupRetention: Duration;
}

/**
 * A PostgreSQL database (Aurora by default) for the workloads of SafeClusters: private isolated
 * subnets, its own security group with no outbound rules, KMS-encrypted storage, TLS required,
 * IAM authentication, credentials in Secrets Manager, backups, deletion protection and a final
 * snapshot on removal. Clients are admitted only with `allowFrom(cluster)`.
 */
export class DependentDatabase extends DependentDataStore {
  /** Hostname of the writer endpoint. */
  public readonly endpointAddress: string;
  /** Master user credentials (JSON with `username`, `password`, `host`, `port`). */
  public readonly secret: secretsmanager.ISecret;
  /** The key that encrypts storage, Performance Insights and the secret. */
  public readonly storageEncryptionKey: kms.IKey;
  /** The Aurora cluster or the instance, with what both offer. */
  public readonly handle: IDatabaseHandle;

  constructor(scope: Construct, id: string, props: DependentDatabaseProps) {
    super(requireScope('DependentDatabase', scope, id), id, { vpc: props?.vpc, port: props?.port ?? DEFAULT_PORT, kind: DataStoreKind.DATABASE });
    checkDatabaseInputs(this, props);
    const kind = props.kind ?? DatabaseKind.AURORA_POSTGRESQL;
    validateProps(this, props, kind);
    this.storageEncryptionKey = props.storageEncryptionKey
      ?? createRetainedKey(this, 'StorageKey', `Storage, Performance Insights and credentials of database ${this.node.path}`);
    const settings = this.commonSettings(props, this.createMasterSecret(props));
    this.handle = kind === DatabaseKind.AURORA_POSTGRESQL ? this.createAuroraCluster(props, settings) : this.createInstance(props, settings);
    this.endpointAddress = this.handle.endpointAddress;
    this.secret = this.handle.secret;
    addToBackupPlan(this, props.backupPlan, this.storageEncryptionKey, this.handle);
    this.acknowledgeDefaultPort(DEFAULT_PORT, 'AwsSolutions-RDS11',
      'The PostgreSQL default port is kept on purpose: the security group admits only the owned node groups of named clusters, '
      + 'so a different port would hide nothing and only break client defaults. Set `port` to change it.');
  }

  /**
   * Lets `grantee` (for example a pod's IAM role) sign in as database user `dbUser` with IAM
   * authentication (`rds-db:connect`), so workloads need no password. The user must exist in the
   * database and be granted the `rds_iam` role.
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    checkGrantConnectArguments(this, grantee, dbUser);
    return this.handle.grantConnect(grantee, dbUser);
  }

  /**
   * Rotates the master password with the Secrets Manager single-user rotation function. The
   * function gets its own security group, which this adds as a source of the database's group:
   * the one ingress rule that does not come from a cluster. Give it `vpcSubnets` with a route to
   * Secrets Manager (private subnets with egress, or an `endpoint`).
   */
  public addRotationSingleUser(options: rds.RotationSingleUserOptions = {}): secretsmanager.SecretRotation {
    checkProps(this, 'addRotationSingleUser: options', options, {});
    const before = new Set(this.securityGroup.node.children);
    const rotation = this.handle.addRotationSingleUser(options);
    // The rotation function's ingress rule carries the endpoint port as a deploy-time reference, which
    // the packs' common-port rules cannot read; its source is the function's security group, never a range.
    for (const rule of this.securityGroup.node.children.filter((c) => !before.has(c))) {
      acknowledgeRules(rule, ['HIPAA.Security-EC2RestrictedCommonPorts', 'HIPAA.Security-EC2RestrictedSSH', 'NIST.800.53.R5-EC2RestrictedCommonPorts',
        'NIST.800.53.R5-EC2RestrictedSSH', 'PCI.DSS.321-EC2RestrictedCommonPorts', 'PCI.DSS.321-EC2RestrictedSSH'],
      'The rule admits the rotation function\'s own security group on the database port (a deploy-time reference the rule cannot read), not an address range.');
    }
    return rotation;
  }

  private createMasterSecret(props: DependentDatabaseProps): rds.DatabaseSecret {
    const masterSecret = new rds.DatabaseSecret(this, 'MasterSecret', {
      username: props.masterUsername ?? 'dbadmin',
      encryptionKey: this.storageEncryptionKey,
    });
    // A snapshot restored later still needs the password it was taken with.
    masterSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return masterSecret;
  }

  private commonSettings(props: DependentDatabaseProps, masterSecret: rds.DatabaseSecret): CommonSettings {
    return {
      common: {
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets ?? DEFAULT_STORE_SUBNETS,
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
        // Enhanced monitoring: OS metrics every minute, to tell a database problem from a network one.
        monitoringInterval: Duration.seconds(60),
        monitoringRole: enhancedMonitoringRole(this),
      },
      identifier: props.identifier ?? stableIdentifier(this, MAX_IDENTIFIER_LENGTH),
      instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE),
      backupRetention: props.backupRetention ?? Duration.days(14),
    };
  }

  private createAuroraCluster(props: DependentDatabaseProps, settings: CommonSettings): IDatabaseHandle {
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: props.auroraEngineVersion ?? DEFAULT_AURORA_VERSION });
    // Performance Insights is set per instance too, to match the cluster setting rather than override it.
    const instanceOptions: rds.ProvisionedClusterInstanceProps = {
      instanceType: settings.instanceType, publiclyAccessible: false,
      enablePerformanceInsights: true, performanceInsightEncryptionKey: this.storageEncryptionKey,
    };
    const cluster = new rds.DatabaseCluster(this, 'Cluster', {
      ...settings.common,
      engine,
      parameterGroup: forceSslParameters(this, engine),
      writer: rds.ClusterInstance.provisioned('Writer', instanceOptions),
      readers: Array.from({ length: props.readers ?? 1 }, (_, i) => rds.ClusterInstance.provisioned(`Reader${i + 1}`, instanceOptions)),
      clusterIdentifier: settings.identifier,
      defaultDatabaseName: props.databaseName,
      backup: { retention: settings.backupRetention },
      cloudwatchLogsExports: ['postgresql'],
    });
    retainInstancesWhileProtected(cluster, settings.common.deletionProtection);
    return new DatabaseHandle(DatabaseKind.AURORA_POSTGRESQL, cluster, cluster.clusterEndpoint.hostname);
  }

  private createInstance(props: DependentDatabaseProps, settings: CommonSettings): IDatabaseHandle {
    const engine = rds.DatabaseInstanceEngine.postgres({ version: props.postgresEngineVersion ?? rds.PostgresEngineVersion.VER_17 });
    const instance = new rds.DatabaseInstance(this, 'Instance', {
      ...settings.common,
      engine,
      parameterGroup: forceSslParameters(this, engine),
      instanceType: settings.instanceType,
      multiAz: true,
      publiclyAccessible: false,
      allocatedStorage: props.allocatedStorageGiB ?? 100,
      // gp3: baseline IOPS independent of volume size, cheaper than the gp2 default.
      storageType: rds.StorageType.GP3,
      instanceIdentifier: settings.identifier,
      databaseName: props.databaseName,
      backupRetention: settings.backupRetention,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    return new DatabaseHandle(DatabaseKind.POSTGRESQL_INSTANCE, instance, instance.dbInstanceEndpointAddress);
  }
}

/**
 * A protected Aurora cluster survives a stack delete, but its instances (`DeletionPolicy: Delete`)
 * would not: a database with no instance. While protection is on they are retained too; once it
 * is off (step 1 of retiring the database) they are deleted with the cluster. `UpdateReplacePolicy`
 * stays: an instance replaced by a change must not keep running beside its successor.
 */
function retainInstancesWhileProtected(cluster: rds.DatabaseCluster, deletionProtection: boolean): void {
  for (const instance of cluster.node.findAll().filter((c): c is rds.CfnDBInstance => c instanceof rds.CfnDBInstance)) {
    instance.cfnOptions.deletionPolicy = deletionProtection ? CfnDeletionPolicy.RETAIN : CfnDeletionPolicy.DELETE;
    if (deletionProtection) {
      Validations.of(instance).acknowledge({
        id: 'CloudFormation-Validate::W3011',
        reason: 'UpdateReplacePolicy stays Delete on purpose: a replaced instance must not keep running beside its successor. '
          + 'DeletionPolicy Retain only keeps it through a stack delete while the cluster is deletion-protected.',
      });
    }
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
  const identifier = props.identifier;
  if (identifier !== undefined && !Token.isUnresolved(identifier) && (!IDENTIFIER_PATTERN.test(identifier) || identifier.endsWith('-'))) {
    throw new SafeEksError(scope, 'Identifier', '`identifier` must be 1 to 63 letters, digits or hyphens, start with a letter, '
      + 'and have no two hyphens in a row or a hyphen at the end.', show(identifier), 'choose an identifier such as "payments-db"');
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

function enhancedMonitoringRole(scope: Construct): iam.Role {
  const role = new iam.Role(scope, 'MonitoringRole', {
    assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
  });
  acknowledgeEksManagedPolicies(role, ['service-role/AmazonRDSEnhancedMonitoringRole'],
    'This is the policy RDS documents for the enhanced monitoring role; it only lets RDS write OS metrics to CloudWatch Logs.');
  return role;
}

/**
 * Selects the database in an AWS Backup plan: the whole Aurora cluster (AWS Backup protects Aurora
 * per cluster, never per instance) or the instance.
 */
function addToBackupPlan(scope: Construct, plan: backup.IBackupPlan | undefined, key: kms.IKey, handle: IDatabaseHandle): void {
  const cluster = handle.resource instanceof rds.DatabaseCluster ? handle.resource : undefined;
  const instance = handle.resource instanceof rds.DatabaseInstance ? handle.resource : undefined;
  const backupPlan = plan ?? new backup.BackupPlan(scope, 'BackupPlan', {
    backupVault: new backup.BackupVault(scope, 'BackupVault', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN }),
    backupPlanRules: [backup.BackupPlanRule.daily()],
  });
  const selection = new backup.BackupSelection(scope, 'BackupSelection', {
    backupPlan,
    resources: [cluster ? backup.BackupResource.fromRdsDatabaseCluster(cluster) : backup.BackupResource.fromRdsDatabaseInstance(instance!)],
  });
  acknowledgeEksManagedPolicies(selection, ['service-role/AWSBackupServiceRolePolicyForBackup'],
    'This is the policy AWS Backup documents for the role that takes backups; AWS keeps it in step with the services it backs up.');
  if (cluster) {
    acknowledgeRules(cluster, ['HIPAA.Security-RDSInBackupPlan', 'NIST.800.53.R5-RDSInBackupPlan'],
      'The rule looks for each Aurora instance in a backup selection; AWS Backup backs Aurora up per cluster, and the plan selects the cluster.');
  }
}
