import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { ISafeCluster } from '../cluster/i-safe-cluster';
import { requireScope } from '../private/guards';
import { StoreGroupValidation, checkClusterArgument, checkStoreAccessInputs } from './store-input-checks';
import { StoreConnections, StoreTarget, allowClusterAccess, requireLiteralPort } from './store-access';

/**
 * A database or cache that clusters reach only through rules on security groups their own stacks own.
 *
 * `connections.allowDefaultPortFrom(client)` and `allowFrom(cluster)` place rules the same way: in
 * the client's stack, sourced from the client's owned group, on the store's one port.
 */
export interface IDependentDataStore extends IConstruct, ec2.IConnectable {
  /** The security group of the store's network interfaces. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The TCP port the store listens on. */
  readonly port: number;

  /**
   * Lets the nodes of `cluster` reach the store: one ingress rule on the store's group whose only
   * source is the cluster's owned node security group, and the matching egress rule on that node
   * group. Both rules are written to the cluster's stack, so deleting that stack never changes the
   * store's stack. Calling it again for the same cluster adds nothing.
   */
  allowFrom(cluster: ISafeCluster): void;
}

/** Properties of a `DataStoreAccess`. */
export interface DataStoreAccessProps {
  /** The security group of the existing store, usually from `ec2.SecurityGroup.fromSecurityGroupId`. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The TCP port the store listens on: a literal from 1 to 65535. */
  readonly port: number;
  /**
   * The store's VPC. When given, clusters in another VPC are refused at synth.
   *
   * @default - the VPC is not checked
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Whether this app may add ingress rules to `securityGroup`. Say true only when no other tool
   * manages the group's rules; otherwise the two would overwrite each other.
   *
   * @default false - only the clients' egress rules are written, and a warning names the ingress rule to add where the group is managed
   */
  readonly modifySecurityGroup?: boolean;
}

/**
 * Wiring for a database or cache created outside this library (another stack, another tool, the
 * console): the same client checks and rule placement as `DependentDatabase` and `DependentCache`.
 */
export class DataStoreAccess extends Construct implements IDependentDataStore {
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly port: number;
  /** `allowDefaultPortFrom(client)` here places rules like `allowFrom(cluster)`. */
  public readonly connections: ec2.Connections;

  private readonly target: StoreTarget;

  constructor(scope: Construct, id: string, props: DataStoreAccessProps) {
    super(requireScope('DataStoreAccess', scope, id), id);
    checkStoreAccessInputs(this, props);
    this.node.addValidation(new StoreGroupValidation(this, props.securityGroup));
    requireLiteralPort(this, 'port', props.port);
    this.securityGroup = props.securityGroup;
    this.port = props.port;
    this.target = {
      scope: this,
      securityGroup: props.securityGroup,
      port: props.port,
      vpc: props.vpc,
      mayAddIngress: props.modifySecurityGroup ?? false,
    };
    this.connections = new StoreConnections(this.target);
  }

  public allowFrom(cluster: ISafeCluster): void {
    checkClusterArgument(this, cluster);
    allowClusterAccess(this.target, cluster);
  }
}
