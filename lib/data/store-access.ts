import { Annotations, CfnOutput, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { SafeEksError, show } from '../private/errors';
import { limitGrantsToAwsResources } from '../private/kms';
import { namesEksCreatedGroup } from '../model/group-ref';
import { ec2RuleDescription } from '../model/aws-naming-rules';
import { isRemoteRuleCall, literalClusterSecurityGroupId } from '../private/cdk-internals';
import { ISafeCluster } from '../cluster/i-safe-cluster';
import { SafeCluster } from '../cluster/safe-cluster';
import { DataStoreKind } from './data-store-kind';
import { checkConnectionsArguments, checkNoVpcCycle, describeClient, vpcsCertainlyDiffer } from './store-input-checks';

/**
 * What the access wiring needs to know about one data store. Built by each store construct, so the
 * rule placement and client checks below exist once for every kind of store.
 */
export interface StoreTarget {
  /** The store construct: errors name its path and client-side construct IDs derive from it. */
  readonly scope: Construct;
  /** The group the store's network interfaces carry. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The one TCP port the store listens on. */
  readonly port: number;
  /**
   * The store's VPC, when known: clients in another VPC are refused.
   *
   * @default - the VPC is not checked
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Name of the export of the group ID that client stacks import. Set for groups this library
   * creates; unset for groups created elsewhere, whose ID is used as given.
   *
   * @default - the group ID is used as given
   */
  readonly securityGroupExportName?: string;
  /** Whether ingress rules may be added to the store's group (false for a group someone else manages). */
  readonly mayAddIngress: boolean;
}

const MIN_PORT = 1;
const MAX_PORT = 65535;

/**
 * Throws unless `port` is a literal whole number from 1 to 65535. Tokens are refused: the port
 * is written into rules in other stacks and compared with what clients ask for, at synth. The fix
 * says what listens on it (`listensOn`) and gives typical ports.
 */
export function requireLiteralPort(scope: IConstruct, prop: string, port: number, listensOn = 'the store listens on', typical: readonly number[] = [5432, 6379]): void {
  if (Token.isUnresolved(port)) {
    throw new SafeEksError(scope, 'PortToken', `\`${prop}\` must be a literal number, not a token.`, show(Token.asString(port)),
      `pass the port as a number, for example ${prop}: ${typical[0]}`);
  }
  if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw new SafeEksError(scope, 'PortOutOfRange', `\`${prop}\` must be a whole number from ${MIN_PORT} to ${MAX_PORT}.`,
      show(port), `set \`${prop}\` to the port ${listensOn}, for example ${typical.join(' or ')}`);
  }
}

/**
 * Exports the store's group ID under a fixed name, whether or not any client exists yet. Client
 * stacks import it by name, so adding or deleting a client never changes the store's template.
 */
function exportSecurityGroupId(scope: Construct, group: ec2.ISecurityGroup): string {
  const exportName = `${topLevelStack(Stack.of(scope)).stackName}:${Names.uniqueResourceName(group, { maxLength: 120 })}`;
  new CfnOutput(scope, 'SecurityGroupIdExport', {
    value: group.securityGroupId,
    exportName,
    description: 'ID of the store security group; client cluster stacks import it to write their own access rules.',
  });
  return exportName;
}

/**
 * The stack whose name prefixes the export: the store's own, or for a store in a NestedStack the
 * top-level stack above it, since a nested stack's name is chosen by CloudFormation at deploy time and
 * a client stack could not import a name built from it. The construct path keeps the name unique.
 */
function topLevelStack(stack: Stack): Stack {
  let top = stack;
  while (top.nestedStackParent !== undefined) top = top.nestedStackParent;
  return top;
}

/** The security group description of each kind of store. */
const STORE_GROUP_DESCRIPTIONS: Record<DataStoreKind, string> = {
  [DataStoreKind.DATABASE]: 'cdk-safe-eks database',
  [DataStoreKind.CACHE]: 'cdk-safe-eks cache',
};

/**
 * An explicit name for a stateful resource, derived from its construct path (stack name included,
 * with a hash), lowercase letters, digits and single hyphens, starting with a letter. A literal name
 * makes CloudFormation refuse a change that would replace the resource ("cannot update a stack when
 * a custom-named resource requires replacing") instead of creating a new, empty one.
 */
export function stableIdentifier(scope: Construct, maxLength: number): string {
  const name = Names.uniqueResourceName(scope, { maxLength, separator: '-' }).toLowerCase()
    .replace(/[^a-z0-9-]/g, '').replace(/-+/g, '-').replace(/-$/, '');
  return /^[a-z]/.test(name) ? name : `s${name.slice(0, maxLength - 1)}`.replace(/-$/, '');
}

/** The security group, export and access wiring of a store this library creates. */
export interface OwnedStoreNetwork {
  /** The store's own group: no outbound rules, ingress only through `allowFrom`. */
  readonly securityGroup: ec2.SecurityGroup;
  /** Name of the export of the group ID. */
  readonly securityGroupExportName: string;
  /** What `allowClusterAccess` needs. */
  readonly target: StoreTarget;
  /** The store's `connections`. */
  readonly connections: StoreConnections;
}

/**
 * Creates the store's security group (`allowAllOutbound: false`: a store never opens connections),
 * exports its ID and builds the access wiring. `kind` picks the group's constant description.
 */
export function createOwnedStoreNetwork(scope: Construct, vpc: ec2.IVpc, port: number, kind: DataStoreKind): OwnedStoreNetwork {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    // Constant: GroupDescription is create-only, so any edit replaces the group, changes its exported ID and
    // fails the update while a cluster stack imports it. Changing this string is a breaking change.
    description: STORE_GROUP_DESCRIPTIONS[kind],
    allowAllOutbound: false,
  });
  const securityGroupExportName = exportSecurityGroupId(scope, securityGroup);
  const target: StoreTarget = { scope, securityGroup, port, vpc, securityGroupExportName, mayAddIngress: true };
  return { securityGroup, securityGroupExportName, target, connections: new StoreConnections(target) };
}

/** A customer-managed key with rotation on, kept when the stack is deleted: the data it encrypts may outlive the stack in snapshots. */
export function createRetainedKey(scope: Construct, id: string, description: string): kms.Key {
  return limitGrantsToAwsResources(new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN }));
}

/**
 * Lets the nodes of one SafeCluster reach the store: one ingress rule on the store's group whose
 * only source is the cluster's owned node group, and the matching egress on that node group.
 */
export function allowClusterAccess(store: StoreTarget, cluster: ISafeCluster): void {
  if (!SafeCluster.isSafeCluster(cluster)) {
    requireNoEksClusterGroup(store, cluster);
    throw new SafeEksError(store.scope, 'NotASafeCluster',
      '`allowFrom` accepts only a SafeCluster, whose nodes carry an owned node security group.',
      describeClient(cluster), 'create the cluster with SafeCluster, or import one with SafeCluster.fromSafeClusterAttributes');
  }
  requireNoEksClusterGroup(store, cluster);
  // Another account or region is the cause when both differ: say that, not "different VPC".
  requireSameEnvironment(store, cluster);
  requireSameVpc(store, cluster);
  checkNoVpcCycle(store, cluster.nodeSecurityGroup);
  addAccessRules(store, [cluster.nodeSecurityGroup], `nodes of ${cluster.node.path}`);
}

/**
 * The path behind `store.connections.allowFrom(...)` and `allowDefaultPortFrom(...)`: the same
 * checks and placement as `allowClusterAccess`, for any client that reaches the store through
 * security groups.
 */
export function allowConnectableAccess(store: StoreTarget, client: ec2.IConnectable, port: ec2.Port): void {
  const storePort = ec2.Port.tcp(store.port);
  if (port.toString() !== storePort.toString()) {
    throw new SafeEksError(store.scope, 'WrongStorePort',
      `the store listens on ${storePort.toString()} only, so it admits clients on that port only.`, port.toString(),
      'call connections.allowDefaultPortFrom(client), or store.allowFrom(cluster)');
  }
  if (SafeCluster.isSafeCluster(client)) {
    allowClusterAccess(store, client);
    return;
  }
  requireNoEksClusterGroup(store, client);
  const groups = client.connections.securityGroups;
  if (groups.length === 0) {
    throw new SafeEksError(store.scope, 'ClientWithoutSecurityGroup',
      'a store admits security groups only; an address range would admit whatever later gets an address in it.',
      describeClient(client), 'pass a SafeCluster, or another resource that has a security group');
  }
  for (const group of groups) requireSameEnvironment(store, group);
  addAccessRules(store, groups, describeClient(client));
}

/**
 * `connections` of a store: `allowFrom` and `allowDefaultPortFrom` go through the same checks and
 * rule placement as `store.allowFrom(cluster)`, instead of CDK's default of writing the ingress
 * rule into the store's stack (which would make the data stack import from every client stack).
 */
export class StoreConnections extends ec2.Connections {
  private readonly store: StoreTarget;

  constructor(store: StoreTarget) {
    super({ securityGroups: [store.securityGroup], defaultPort: ec2.Port.tcp(store.port) });
    this.store = store;
  }

  public allowFrom(other: ec2.IConnectable, portRange: ec2.Port): void {
    checkConnectionsArguments(this.store.scope, other, portRange);
    // CDK sets `remoteRule` when a client calls `client.connections.allowTo(store)`: by then the
    // client has written its egress rule against the store's group directly, which forces an
    // export from the data stack for that client. Refuse it and name the path that places rules right.
    if (isRemoteRuleCall(this)) {
      throw new SafeEksError(this.store.scope, 'ReverseAccessCall',
        'access to a data store must be granted from the store side, so that every rule lands in the client stack.',
        `client.connections.allowTo(store), from ${describeClient(other)}`, 'call store.allowFrom(cluster) or store.connections.allowDefaultPortFrom(cluster)');
    }
    allowConnectableAccess(this.store, other, portRange);
  }
}

function addAccessRules(store: StoreTarget, clientGroups: ec2.ISecurityGroup[], clientName: string): void {
  const port = ec2.Port.tcp(store.port);
  const description = ec2RuleDescription(`cdk-safe-eks: ${clientName} to ${store.scope.node.path} on tcp ${store.port}`);
  for (const client of clientGroups) {
    const storeGroup = storeGroupInStackOf(store, client);
    if (store.mayAddIngress) {
      storeGroup.addIngressRule(client, port, description);
    } else {
      Annotations.of(store.scope).addWarningV2('cdk-safe-eks:storeIngressNotWritten',
        `The store's security group is not marked as yours to modify, so no ingress rule was written. `
        + `Where that group is managed, allow tcp ${store.port} from security group ${client.node.path}.`);
    }
    // An imported client group that allows all outbound traffic needs no egress rule (and CDK would warn).
    if (!client.allowAllOutbound) {
      client.addEgressRule(storeGroup, port, description);
    }
  }
}

/**
 * The store's group as seen from the client's stack. Rules are children of this object, so they
 * are written to the client's stack; the group ID comes from the store's fixed export (or as given),
 * so the store's stack never learns about the client.
 */
function storeGroupInStackOf(store: StoreTarget, client: ec2.ISecurityGroup): ec2.ISecurityGroup {
  const clientStack = Stack.of(client);
  const storeStack = Stack.of(store.scope);
  // A group made elsewhere is always imported afresh as mutable: the caller's own import may be immutable.
  if (clientStack === storeStack && store.securityGroupExportName !== undefined) return store.securityGroup;

  const id = `DataStore${Names.nodeUniqueId(store.scope.node)}`;
  const existing = client.node.tryFindChild(id) as ec2.ISecurityGroup | undefined;
  if (existing) return existing;

  let groupId = store.securityGroup.securityGroupId;
  if (store.securityGroupExportName !== undefined) {
    groupId = Fn.importValue(store.securityGroupExportName);
    // The import needs the export to exist first; this orders deployment without touching the store's template.
    clientStack.addStackDependency(storeStack, `imports the security group of ${store.scope.node.path}`);
  }
  return ec2.SecurityGroup.fromSecurityGroupId(client, id, groupId, { allowAllOutbound: false, mutable: true });
}

function requireNoEksClusterGroup(store: StoreTarget, client: ec2.IConnectable): void {
  const eksGroupId = literalClusterSecurityGroupId(client);
  // Plain JavaScript callers can pass anything; what has no connections has no groups to check.
  const groups = client?.connections?.securityGroups ?? [];
  const eksGroup = groups.find((group) => {
    if (Token.isUnresolved(group.securityGroupId)) {
      return namesEksCreatedGroup(Stack.of(group).resolve(group.securityGroupId));
    }
    return eksGroupId !== undefined && group.securityGroupId === eksGroupId;
  });
  if (eksGroup) {
    throw new SafeEksError(store.scope, 'EksClusterSecurityGroup',
      'the client reaches the store through the security group EKS creates for the cluster. EKS rewrites that group\'s rules '
      + 'on upgrades; in the 2021-01-11 outage such a rewrite cut databases and caches off from every node.',
      `${describeClient(client)} with security group ${eksGroup.node.path}`,
      'create the cluster with SafeCluster (nodes carry an owned node security group) and call store.allowFrom(safeCluster)');
  }
}

function requireSameVpc(store: StoreTarget, cluster: ISafeCluster): void {
  if (store.vpc === undefined) return;
  const storeVpcId = store.vpc.vpcId;
  const clusterVpcId = cluster.vpc.vpcId;
  if (storeVpcId === clusterVpcId) return;
  // Two literal IDs, or two VPCs created in this app, can be told apart at synth; anything else cannot.
  if (vpcsCertainlyDiffer(store.vpc, cluster.vpc)) {
    throw new SafeEksError(store.scope, 'DifferentVpc',
      'the cluster is in a different VPC from the store, so a security-group rule between them would never match traffic.',
      `store VPC ${store.vpc.node.path} (${show(storeVpcId)}), cluster VPC ${cluster.vpc.node.path} (${show(clusterVpcId)})`,
      'create the store in the cluster\'s VPC');
  }
}

// Peers such as ec2.Peer.ipv4() are not constructs; their uniqueId is the address range.
// Client stacks import the store's group ID by export name, and exports do not cross accounts or regions.
function requireSameEnvironment(store: StoreTarget, client: IConstruct): void {
  const storeStack = Stack.of(store.scope);
  const clientStack = Stack.of(client);
  for (const [what, storeValue, clientValue] of [
    ['account', storeStack.account, clientStack.account], ['region', storeStack.region, clientStack.region],
  ]) {
    if (!Token.isUnresolved(storeValue) && !Token.isUnresolved(clientValue) && storeValue !== clientValue) {
      throw new SafeEksError(store.scope, 'DifferentEnvironment',
        `the client's stack is in another ${what} than the store's stack; a store is reached only from its own account and region.`,
        `store ${what} ${show(storeValue)}, client ${clientStack.node.path} ${what} ${show(clientValue)}`,
        `deploy the client cluster to the store's ${what}, or give it its own store there`);
    }
  }
}
