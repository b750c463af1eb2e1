import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { IDependentDataStore } from './data-store-access';
import { DataStoreKind } from './data-store-kind';
import { StoreTarget, allowClusterAccess, createOwnedStoreNetwork, requireLiteralPort } from './store-access';
import { checkClusterArgument, checkStoreVpc } from './store-input-checks';
import { ISafeCluster } from '../cluster/i-safe-cluster';
import { SafeEksError } from '../private/errors';

/** What every store this library creates needs before its own resources. */
export interface DependentDataStoreProps {
  /** The VPC of the clusters that use the store. */
  readonly vpc: ec2.IVpc;
  /** The one TCP port the store listens on: a literal from 1 to 65535. */
  readonly port: number;
  /** Database or cache. */
  readonly kind: DataStoreKind;
}

/**
 * The skeleton shared by `DependentDatabase` and `DependentCache`: the store's own security group
 * (no outbound rules, a constant description), the export of its ID that client stacks import,
 * `connections` that place rules like `allowFrom`, and `allowFrom(cluster)` itself.
 */
export abstract class DependentDataStore extends Construct implements IDependentDataStore {
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly port: number;
  /** `allowDefaultPortFrom(client)` here places rules like `allowFrom(cluster)`. */
  public readonly connections: ec2.Connections;
  /** Name of the stack export of the security group ID that client stacks import. */
  public readonly securityGroupExportName: string;

  private readonly target: StoreTarget;

  protected constructor(scope: Construct, id: string, props: DependentDataStoreProps) {
    super(scope, id);
    if (props.vpc === undefined) {
      throw new SafeEksError(this, 'Vpc', '`vpc` is required.', 'undefined', `pass the VPC of the clusters that use the ${props.kind}`);
    }
    // A jsii caller may pass anything: check the type before the network is built from it.
    checkStoreVpc(this, props.vpc);
    requireLiteralPort(this, 'port', props.port);
    this.port = props.port;
    const network = createOwnedStoreNetwork(this, props.vpc, this.port, props.kind);
    this.securityGroup = network.securityGroup;
    this.securityGroupExportName = network.securityGroupExportName;
    this.target = network.target;
    this.connections = network.connections;
  }

  public allowFrom(cluster: ISafeCluster): void {
    checkClusterArgument(this, cluster);
    allowClusterAccess(this.target, cluster);
  }

  /** Acknowledges cdk-nag's "default port" finding (`ruleId`) when the store keeps `defaultPort`, with the reason. */
  protected acknowledgeDefaultPort(defaultPort: number, ruleId: string, reason: string): void {
    if (this.port === defaultPort) Validations.of(this).acknowledge({ id: ruleId, reason });
  }
}
