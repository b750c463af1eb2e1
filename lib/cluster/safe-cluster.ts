import { Annotations, Lazy, Names, RemovalPolicy, Resource, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct, IDependable } from 'constructs';
import { adminAccessEntryKeys } from './admin-access-keys';
import { AddonVersions, ClusterAddons, resolveAddonVersions } from './cluster-addons';
import { keepDependentsWhileProtected } from './deletion-guard';
import { SafeEksFeatureFlags, featureFlagEnabled } from './feature-flags';
import { LoadBalancerControllerAccess } from './load-balancer-controller-access';
import { ISafeCluster } from './i-safe-cluster';
import { SafeNodegroup, SafeNodegroupOptions } from './safe-nodegroup';
import { ClusterConnectivityValidation } from '../checks/cluster-connectivity-validation';
import { ClusterGuardrails, ClusterGuardrailsOptions } from '../guardrails/cluster-guardrails';
import { KARPENTER_DISCOVERY_TAG, KarpenterNodeAccess } from './karpenter-node-access';
import { addFlowRules, flowRuleDescription } from '../network/flow-rules';
import { Findings } from '../model/findings';
import { FindingAcknowledgement, INTENT_METADATA_KEY, intentMetadata } from '../model/intent';
import { ControlPlaneTraffic, FlowRole, NodeTraffic, RequiredFlow, RequiredFlows } from '../model/required-flows';
import { acknowledgeEksManagedPolicies } from '../private/acknowledgements';
import { SafeEksError, formatProblem, show } from '../private/errors';
import { TypeSpec, checkProps, checkValue, requireScope } from '../private/guards';
import { checkClusterInputs, checkImportAttributes, checkMethodArguments } from './cluster-input-checks';
import { ClusterTreeValidation, announceFargateProfile } from './cluster-validations';
import { limitGrantsToAwsResources } from '../private/kms';
import { requireIntegerInRange } from '../private/validate';

const SAFE_CLUSTER_SYMBOL = Symbol.for('cdk-safe-eks.SafeCluster');
const CONNECTABLE: TypeSpec = { type: 'object', name: 'ec2.IConnectable', required: true, members: ['connections'] };

/** What another app needs to know to use a `SafeCluster` it did not create. */
export interface SafeClusterAttributes {
  /** Name of the cluster. */
  readonly clusterName: string;
  /**
   * ARN of the cluster.
   *
   * @default - built from `clusterName` in the importing stack's account and region
   */
  readonly clusterArn?: string;
  /** The VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /** ID of the cluster's owned node security group (`SafeCluster.nodeSecurityGroup`). */
  readonly nodeSecurityGroupId: string;
  /** ID of the cluster's owned control-plane security group (`SafeCluster.controlPlaneSecurityGroup`). */
  readonly controlPlaneSecurityGroupId: string;
  /**
   * Whether the node group restricts egress (`SafeClusterProps.restrictNodeEgress`). When true, rules
   * that grant the nodes access also add the matching egress rule to the imported node group.
   *
   * @default false
   */
  readonly restrictNodeEgress?: boolean;
  /**
   * Kubernetes version of the cluster. Node groups added to the import are checked against it and pin
   * the AMI release of its minor; without it, they can do neither and say so.
   *
   * @default - unknown
   */
  readonly version?: eks.KubernetesVersion;
}

/**
 * What happens when a Kubernetes version leaves standard support.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 */
export enum UpgradeSupportType {
  /** The cluster moves to extended support (billed per hour) and is never upgraded by AWS behind your back. */
  EXTENDED = 'EXTENDED',
  /** AWS upgrades the cluster in place when standard support ends: the silent upgrade this library exists to avoid. */
  STANDARD = 'STANDARD',
}

/**
 * Options of a `SafeCluster` that do not name a VPC or any other construct: what a blue-green pair
 * can take once per color.
 */
export interface SafeClusterOptions {
  /** Kubernetes version of the control plane. Upgrading it in place is what blue-green pairs replace. */
  readonly version: eks.KubernetesVersion;
  /**
   * Name of the cluster. Literal names are checked against EKS naming rules.
   *
   * @default - a stable name derived from the construct path, at most 100 characters
   */
  readonly clusterName?: string;
  /**
   * Who can reach the Kubernetes API endpoint.
   *
   * @default eks.EndpointAccess.PRIVATE - the API server is not reachable from the internet
   */
  readonly endpointAccess?: eks.EndpointAccess;
  /**
   * Control-plane log types sent to CloudWatch Logs. Fewer than all five gives a warning.
   *
   * @default - all five: api, audit, authenticator, controllerManager, scheduler
   */
  readonly clusterLogging?: eks.ClusterLoggingTypes[];
  /**
   * Grant the identity that creates the cluster admin access. Changing this replaces the cluster.
   *
   * @default false - access is granted only through explicit access entries
   */
  readonly bootstrapClusterCreatorAdminPermissions?: boolean;
  /**
   * What AWS does when this Kubernetes version leaves standard support.
   *
   * @default UpgradeSupportType.EXTENDED - never upgraded in place by AWS; extended support is billed
   */
  readonly upgradeSupportType?: UpgradeSupportType;
  /**
   * Refuse `DeleteCluster` calls, including the one a stack deletion or replacement would make.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Node <-> node traffic the owned node group allows. `ALL` is what the EKS-created group allowed
   * (plus ICMP fragmentation-needed from the VPC); `RECOMMENDED` is the narrower set of earlier releases.
   *
   * @default NodeTraffic.ALL, or NodeTraffic.RECOMMENDED when `webhookFlows` is false
   */
  readonly nodeTraffic?: NodeTraffic;
  /**
   * Control plane -> node traffic. `ALL_TCP` is what the EKS-created group allowed; `NARROW` keeps
   * 443, 10250 and the webhook ports. `ALL_TCP` with `webhookFlows: false` is refused.
   *
   * @default ControlPlaneTraffic.ALL_TCP, or ControlPlaneTraffic.NARROW when `webhookFlows` is false
   */
  readonly controlPlaneTraffic?: ControlPlaneTraffic;
  /**
   * Write the five common webhook flows (control plane to nodes on 4443, 6443, 8443, 9443, 10251).
   * `false` keeps its meaning from earlier releases, the narrowest rule set: unless set otherwise it
   * also selects `NodeTraffic.RECOMMENDED` and `ControlPlaneTraffic.NARROW`.
   *
   * @default true
   */
  readonly webhookFlows?: boolean;
  /**
   * More webhook ports the control plane calls on the nodes (Istio 15017, Vault 8080, ...), each its own
   * flow `ControlPlaneToNodesWebhook<port>` with its own rule pair, written and proven under every
   * `controlPlaneTraffic`. 443 and 10250 are core flows and are refused. `addWebhookPort` adds more later.
   *
   * @default - none
   */
  readonly webhookPorts?: number[];
  /**
   * Restrict node egress to the required flows, data stores you wire, and TCP 443 anywhere (registries
   * and AWS APIs). When false, nodes may open TCP and UDP connections to any IPv4 address.
   *
   * @default false
   */
  readonly restrictNodeEgress?: boolean;
  /**
   * Number of nodes in the default managed node group. 0 creates no default group.
   *
   * @default 2
   */
  readonly defaultCapacity?: number;
  /**
   * Instance type of the default node group.
   *
   * @default m5.large
   */
  readonly defaultCapacityInstance?: ec2.InstanceType;
  /**
   * CIDR block Kubernetes assigns service IPs from: a /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or
   * 192.168.0.0/16 that does not overlap the VPC.
   *
   * @default - chosen by EKS (10.100.0.0/16 or 172.20.0.0/16)
   */
  readonly serviceIpv4Cidr?: string;
  /**
   * Tags for the cluster.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
  /**
   * Versions of the VPC CNI, kube-proxy, CoreDNS and Pod Identity Agent add-ons. A version the table
   * does not list for the cluster's minor is refused unless `unlistedAddonVersionReason` says why.
   *
   * @default - the library table's newest for the cluster's minor (docs/addons.md)
   */
  readonly addonVersions?: AddonVersions;
  /**
   * Accepts `addonVersions` the table does not list for the cluster's minor (a build newer than the
   * table, or a version the pair recorded), with the reason; refused when nothing needs it.
   *
   * @default - only listed versions are accepted
   */
  readonly unlistedAddonVersionReason?: string;
}

/** Constant descriptions of the owned groups: changing either is a breaking change (it replaces the group and the cluster). */
const CONTROL_PLANE_GROUP_DESCRIPTION = 'cdk-safe-eks control plane';
const NODE_GROUP_DESCRIPTION = 'cdk-safe-eks nodes';
const KUBECTL_GROUP_DESCRIPTION = 'cdk-safe-eks kubectl provider';
/** Properties of a `SafeCluster`: its options plus the VPC and the constructs it uses. */
export interface SafeClusterProps extends SafeClusterOptions {
  /** The VPC for the cluster. Required so that no VPC is created or looked up behind your back. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the control-plane network interfaces.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection[];
  /**
   * KMS key that envelope-encrypts Kubernetes secrets.
   *
   * @default - a new key with rotation on, retained when the stack is deleted
   */
  readonly secretsEncryptionKey?: kms.IKey;
  /**
   * IAM roles granted cluster admin through an EKS access entry (authentication mode API). Entries are
   * keyed by role, so reordering the list changes nothing.
   *
   * @default - none; a warning is raised if nobody, not even the creator, can administer the cluster
   */
  readonly adminRoles?: iam.IRole[];
  /**
   * Options for a kubectl provider (a Lambda function). Only needed for `addManifest`/`addHelmChart`.
   * The Lambda gets an owned security group that may reach the control plane on 443 (flow
   * `KubectlProviderToApi`), never the EKS-created group; `securityGroups` given here are used instead.
   *
   * @default - no kubectl provider
   */
  readonly kubectlProviderOptions?: eks.KubectlProviderOptions;
}

const ALL_LOG_TYPES = [
  eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER, eks.ClusterLoggingTypes.SCHEDULER,
];
const FARGATE_PROFILE_OPTION_TYPES: { [prop: string]: TypeSpec } = {
  selectors: { type: 'array', name: 'array of eks.Selector', required: true, minItems: 1, items: { type: 'object', name: 'eks.Selector', members: ['namespace'] } },
  fargateProfileName: { type: 'string' },
  subnetSelection: { type: 'object', name: 'ec2.SubnetSelection' },
  podExecutionRole: { type: 'object', name: 'iam.IRole', members: ['roleArn'] },
};

/**
 * An Amazon EKS cluster (native `AWS::EKS::Cluster`, aws-eks-v2) whose every control plane <-> node
 * and node <-> node flow is a CloudFormation rule on a security group this stack owns.
 *
 * The EKS-created cluster security group still exists (EKS always makes one), but no node carries
 * it, and no rule this library writes trusts it, so an upgrade that strips its rules changes nothing.
 */
export class SafeCluster extends Resource implements ISafeCluster {
  /** Uses a symbol, not `instanceof`, so two copies of this library in one app still recognise each other. */
  public static isSafeCluster(x: unknown): x is ISafeCluster {
    return typeof x === 'object' && x !== null && SAFE_CLUSTER_SYMBOL in x;
  }

  /** Imports a `SafeCluster` created in another stack or app, keeping its owned groups as the peers. */
  public static fromSafeClusterAttributes(scope: Construct, id: string, attrs: SafeClusterAttributes): ISafeCluster {
    checkImportAttributes(`${requireScope('SafeCluster.fromSafeClusterAttributes', scope, id).node.path}/${id}`, attrs);
    class Import extends Resource implements ISafeCluster {
      public readonly clusterName = attrs.clusterName;
      public readonly clusterArn = attrs.clusterArn ?? Stack.of(scope).formatArn({
        service: 'eks', resource: 'cluster', resourceName: attrs.clusterName,
      });
      public readonly vpc = attrs.vpc;
      public readonly version = attrs.version;
      public readonly nodeSecurityGroup: ec2.ISecurityGroup;
      public readonly controlPlaneSecurityGroup: ec2.ISecurityGroup;
      public readonly cluster: eks.ICluster;
      public readonly connections: ec2.Connections;

      constructor() {
        super(scope, id);
        Object.defineProperty(this, SAFE_CLUSTER_SYMBOL, { value: true });
        this.nodeSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'NodeSecurityGroup',
          attrs.nodeSecurityGroupId, { allowAllOutbound: !(attrs.restrictNodeEgress ?? false) });
        this.controlPlaneSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'ControlPlaneSecurityGroup',
          attrs.controlPlaneSecurityGroupId, { allowAllOutbound: false });
        this.cluster = eks.Cluster.fromClusterAttributes(this, 'Cluster', {
          clusterName: attrs.clusterName, vpc: attrs.vpc,
          securityGroupIds: [attrs.controlPlaneSecurityGroupId],
        });
        this.connections = new ec2.Connections({ securityGroups: [this.nodeSecurityGroup] });
      }
    }
    return new Import();
  }

  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly cluster: eks.ICluster;
  public readonly vpc: ec2.IVpc;
  public readonly nodeSecurityGroup: ec2.ISecurityGroup;
  public readonly controlPlaneSecurityGroup: ec2.ISecurityGroup;
  /** Nodes' connections: peers granted access here trust the owned node security group only. */
  public readonly connections: ec2.Connections;
  /** Kubernetes version of the control plane. */
  public readonly version: eks.KubernetesVersion;
  /** The key that envelope-encrypts Kubernetes secrets. */
  public readonly secretsEncryptionKey: kms.IKey;
  /** The default node group, when `defaultCapacity` is above 0. */
  public readonly defaultNodegroup?: SafeNodegroup;
  /**
   * Owned security group of the kubectl provider Lambda, when `kubectlProviderOptions` asks for one
   * and names no security groups of its own.
   */
  public readonly kubectlProviderSecurityGroup?: ec2.ISecurityGroup;
  /** The Amazon VPC CNI add-on (`vpc-cni`). */
  public readonly vpcCniAddon: eks.IAddon;
  /** The kube-proxy add-on. */
  public readonly kubeProxyAddon: eks.IAddon;
  /** The CoreDNS add-on (`coredns`). */
  public readonly coreDnsAddon: eks.IAddon;
  /** The EKS Pod Identity Agent add-on (`eks-pod-identity-agent`), the one `cluster.eksPodIdentityAgent` returns. */
  public readonly podIdentityAgentAddon: eks.IAddon;
  /** The literal version of each add-on, as the template names it. */
  public readonly addonVersions: AddonVersions;
  /** The VPC CNI and kube-proxy add-ons: every node group of this cluster depends on them. */
  public readonly nodeNetworking: IDependable;

  private readonly eksCluster: eks.Cluster;
  private readonly cfnCluster: eks.CfnCluster;
  private readonly safeNodegroups = new Set<eks.Nodegroup>();
  /** Every flow this cluster writes and proves; recorded lazily, so flows added after construction count. */
  private readonly flows: RequiredFlow[] = [];
  private readonly vpcCidr?: string;
  private karpenter?: KarpenterNodeAccess;
  private loadBalancerController?: LoadBalancerControllerAccess;
  private readonly addons: ClusterAddons;
  private readonly acknowledgements: FindingAcknowledgement[] = [];

  constructor(scope: Construct, id: string, props: SafeClusterProps) {
    super(requireScope('SafeCluster', scope, id), id);
    Object.defineProperty(this, SAFE_CLUSTER_SYMBOL, { value: true });
    checkClusterInputs(this, props);
    validateFlowOptions(this, props);

    this.vpc = props.vpc;
    this.version = props.version;
    this.clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 100 });
    this.vpcCidr = literalVpcCidr(props.vpc);

    const groups = this.createOwnedGroups();
    this.controlPlaneSecurityGroup = groups.controlPlane;
    this.nodeSecurityGroup = groups.nodes;
    this.connections = new ec2.Connections({ securityGroups: [groups.nodes] });
    this.writeRequiredFlows(props);
    addNodeEgress(groups.nodes, props.restrictNodeEgress ?? false);

    this.secretsEncryptionKey = props.secretsEncryptionKey ?? limitGrantsToAwsResources(new kms.Key(this, 'SecretsKey', {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${this.clusterName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    }));
    const kubectl = this.kubectlProvider(props.kubectlProviderOptions);
    this.kubectlProviderSecurityGroup = kubectl?.ownedGroup;
    this.eksCluster = this.createEksCluster(props, kubectl?.options);
    this.cluster = this.eksCluster;
    this.clusterArn = this.eksCluster.clusterArn;
    this.cfnCluster = this.eksCluster.node.defaultChild as eks.CfnCluster;
    this.hardenCfnCluster(props);
    this.addons = this.createAddons(props);
    this.vpcCniAddon = this.addons.vpcCni;
    this.kubeProxyAddon = this.addons.kubeProxy;
    this.coreDnsAddon = this.addons.coreDns;
    this.podIdentityAgentAddon = this.addons.podIdentityAgent;
    this.nodeNetworking = this.addons.nodeNetworking;
    this.addonVersions = this.addons.versions;
    this.grantAdmins(props.adminRoles ?? []);
    warnAboutAccessAndLogging(this, props);
    this.defaultNodegroup = this.addDefaultNodegroup(props);
    this.recordIntent();
  }

  /** The flows this cluster writes and proves (table rows for its options, then webhook ports and extensions). */
  public get requiredFlows(): RequiredFlow[] {
    return [...this.flows];
  }

  /**
   * The Karpenter node role and its `EC2_LINUX` access entry, once `enableKarpenter` has been called.
   */
  public get karpenterNodeAccess(): KarpenterNodeAccess | undefined {
    return this.karpenter;
  }

  /**
   * Adds a managed node group whose nodes carry only the owned node security group.
   * Use this instead of `cluster.addNodegroupCapacity`, which synthesis refuses.
   */
  public addNodegroup(id: string, options: SafeNodegroupOptions = {}): SafeNodegroup {
    checkMethodArguments(this, 'addNodegroup', id, options, {}, false);
    const group = new SafeNodegroup(this, id, { ...options, cluster: this });
    this.safeNodegroups.add(group.nodegroup);
    this.addons.runAfterNodes(group.nodegroup.node.defaultChild as eks.CfnNodegroup);
    return group;
  }

  /**
   * Gives the AWS Load Balancer Controller (`kube-system/aws-load-balancer-controller`) credentials through
   * EKS Pod Identity, allowed to register targets only in `targetGroups` (TargetGroupBinding), and outputs
   * its Helm values. Calling it again adds target groups to the same role.
   */
  public enableLoadBalancerController(targetGroups: elbv2.ITargetGroup[]): LoadBalancerControllerAccess {
    // Checked before the construct exists: a refused call must leave no half-built child behind.
    checkValue(this, 'enableLoadBalancerController: targetGroups', targetGroups, {
      type: 'array', name: 'array of elbv2.ITargetGroup', required: true, minItems: 1, items: { type: 'object', name: 'elbv2.ITargetGroup', members: ['targetGroupArn'] },
    });
    if (this.loadBalancerController === undefined) {
      this.loadBalancerController = new LoadBalancerControllerAccess(this, 'LoadBalancerController', { cluster: this, targetGroups });
      return this.loadBalancerController;
    }
    for (const group of targetGroups) this.loadBalancerController.addTargetGroup(group);
    return this.loadBalancerController;
  }

  /**
   * Accepts a connectivity finding of this cluster on purpose, e.g.
   * `EksUpgradeSafety-EFL1[Flow::NodesToNodesDnsUdp::fargate-pods]` for the Fargate pods' DNS flow, or
   * `EksUpgradeSafety-EUP1`. The acknowledgement is recorded in the template with the cluster's intent,
   * so the nag pack, `ConnectivityChecks` and `cdk-safe-eks verify` all honour it, with the reason.
   */
  public acknowledgeConnectivityFinding(findingId: string, reason: string): void {
    checkValue(this, 'acknowledgeConnectivityFinding: findingId', findingId, { type: 'string', required: true });
    checkValue(this, 'acknowledgeConnectivityFinding: reason', reason, { type: 'string', required: true });
    const connectivity = [Findings.FLOW, Findings.DATA_STORE, Findings.UNPROVEN].some((r) => findingId === r.id || findingId.startsWith(`${r.id}[`));
    if (!connectivity) {
      throw new SafeEksError(this, 'UnknownConnectivityFinding', 'only connectivity findings (EFL1, EDS1, EUP1) are recorded with the cluster.',
        show(findingId), `pass an ID such as ${Findings.FLOW.id}[Flow::<flow id>], or acknowledge other rules with Validations.of(construct).acknowledge`);
    }
    if (reason.trim() === '') {
      throw new SafeEksError(this, 'AcknowledgementWithoutReason', 'an acknowledgement needs a reason.', show(reason), 'say why the finding is acceptable');
    }
    this.acknowledgements.push({ id: findingId, reason });
  }

  /**
   * Adds a Fargate profile. Fargate pods can only use the EKS-created cluster security group, so
   * their flows depend on it: a warning says so, and the nag pack, `ConnectivityChecks` and `verify`
   * report each of their flows as lost in the replay until acknowledged (`acknowledgeConnectivityFinding`).
   */
  public addFargateProfile(id: string, options: eks.FargateProfileOptions): eks.FargateProfile {
    checkMethodArguments(this, 'addFargateProfile', id, options, FARGATE_PROFILE_OPTION_TYPES, true);
    Annotations.of(this).addWarningV2('cdk-safe-eks:fargateUsesClusterSecurityGroup',
      `Fargate profile "${id}": Fargate pods always use the EKS-created cluster security group, whose rules EKS manages. `
      + 'Their connectivity is not owned by this stack and can change on a cluster upgrade. Prefer a node group for workloads that must survive upgrades.');
    const profile = this.eksCluster.addFargateProfile(id, options);
    announceFargateProfile(profile);
    return profile;
  }

  /**
   * Lets the control plane call a webhook served by pods on `port` (TCP): one rule pair and one flow,
   * `ControlPlaneToNodesWebhook<port>`, that every check proves. Also under `ControlPlaneTraffic.ALL_TCP`,
   * so the proof names the webhook and narrowing later keeps it. A port already required is left as is.
   *
   * @param port the port the webhook's Service targets on the pods
   * @param reason who serves it, e.g. "Istio sidecar injector"
   */
  public addWebhookPort(port: number, reason: string): void {
    checkValue(this, 'addWebhookPort: port', port, { type: 'number', required: true });
    checkValue(this, 'addWebhookPort: reason', reason, { type: 'string', required: true });
    const problem = RequiredFlows.selectionProblem({ webhookPorts: [port] });
    if (problem !== undefined || Token.isUnresolved(port)) {
      throw new SafeEksError(this, 'WebhookPort', `addWebhookPort: ${problem ?? 'the port must be a literal number, not a token'}.`,
        show(Token.isUnresolved(port) ? Token.asString(port) : port), 'pass the port the webhook serves on, such as 15017');
    }
    const flow = RequiredFlows.webhookFlow(port, `API server to ${reason} on ${port} (addWebhookPort).`);
    if (this.flows.some((f) => f.id === flow.id)) return;
    this.writeFlows([flow]);
  }

  /**
   * Lets `peer` (a CI runner's or bastion's security group, a VPN CIDR) reach the Kubernetes API: TCP 443
   * ingress on the owned control-plane group (and egress on the peer's own groups). The flow
   * `ApiAccessFrom<peer>` is recorded, so every check proves it. `0.0.0.0/0` and `::/0` are refused.
   */
  public allowApiAccessFrom(peer: ec2.IConnectable): void {
    checkValue(this, 'allowApiAccessFrom: peer', peer, CONNECTABLE);
    const cidr = literalPeerCidr(peer);
    if (cidr !== undefined && /\/0$/.test(cidr)) {
      throw new SafeEksError(this, 'ApiAccessFromAnywhere', 'allowApiAccessFrom opens the Kubernetes API only to a named peer, never to every address.',
        show(cidr), 'pass the security group of the client (CI runner, bastion) or the CIDR of its network, e.g. ec2.Peer.ipv4("10.20.0.0/16")');
    }
    const groups = peer.connections.securityGroups;
    if (cidr === undefined && groups.length === 0) {
      throw new SafeEksError(this, 'ApiAccessPeer', 'allowApiAccessFrom needs a peer with a security group or an IPv4 CIDR.',
        show(peerName(peer)), 'pass an ec2.ISecurityGroup, an IConnectable that has one, or ec2.Peer.ipv4(cidr)');
    }
    const flow = cidr !== undefined ? RequiredFlows.apiAccessFromCidr(cidr)
      : RequiredFlows.apiAccessFromGroup(Names.nodeUniqueId(groups[0].node), groups[0].securityGroupId);
    this.controlPlaneSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(443), flowRuleDescription(flow));
    this.flows.push(flow);
  }

  /**
   * Lets a load balancer (ALB, or NLB with a security group) reach the nodes on `port` (TCP): ingress on
   * the owned node group and egress on the balancer's group. When the balancer is in this stack both rules
   * are written here and the flow `NodePort<port>From<balancer>` is recorded; when it is in another stack,
   * both rules go to the balancer's stack (it depends on this one, never the reverse), and the proofs find
   * the flow as `LoadBalancerToNodes` from the balancer resource.
   */
  public allowNodePortsFrom(loadBalancer: ec2.IConnectable, port: number): void {
    checkValue(this, 'allowNodePortsFrom: loadBalancer', loadBalancer, CONNECTABLE);
    checkValue(this, 'allowNodePortsFrom: port', port, { type: 'number', required: true });
    requireIntegerInRange(this, 'port', port, 1, 65535);
    const [balancerGroup] = loadBalancer.connections.securityGroups;
    if (balancerGroup === undefined) {
      throw new SafeEksError(this, 'LoadBalancerWithoutGroup', 'allowNodePortsFrom needs a load balancer with a security group, so that the nodes trust only it.',
        show(peerName(loadBalancer)), 'create the load balancer with `securityGroups: [...]` (NLBs have none unless given one)');
    }
    const name = Names.nodeUniqueId(balancerGroup.node);
    const flow = RequiredFlows.nodePortFrom(port, name, balancerGroup.securityGroupId);
    const description = flowRuleDescription(flow);
    const balancerStack = Stack.of(balancerGroup);
    if (balancerStack === Stack.of(this)) {
      this.connections.allowFrom(loadBalancer, ec2.Port.tcp(port), description);
      this.flows.push(flow);
      return;
    }
    // The node group imported into the balancer's stack: CDK then writes both rules there.
    const importId = `${Names.nodeUniqueId(this.node)}NodesFor${name}`;
    const nodes = balancerStack.node.tryFindChild(importId) as ec2.ISecurityGroup | undefined
      ?? ec2.SecurityGroup.fromSecurityGroupId(balancerStack, importId, this.nodeSecurityGroup.securityGroupId, { allowAllOutbound: false });
    loadBalancer.connections.allowTo(nodes, ec2.Port.tcp(port), description);
  }

  /**
   * Prepares the cluster for Karpenter: a node role with an `EC2_LINUX` access entry, and a discovery tag
   * (`cdk-safe-eks.io/karpenter-discovery: <cluster name>`) on the owned node group only, so an
   * EC2NodeClass that selects by it never picks the EKS-created group (EKS tags that group with the
   * cluster tag, not this one). The cluster records the owned node group as the group of Karpenter's
   * nodes, so the proofs cover them even with no node group in the template. Calling it again returns the same access.
   */
  public enableKarpenter(): KarpenterNodeAccess {
    if (this.karpenter === undefined) {
      this.karpenter = new KarpenterNodeAccess(this, 'Karpenter', {
        cluster: this.eksCluster, clusterName: this.clusterName, nodeSecurityGroup: this.nodeSecurityGroup,
      });
    }
    return this.karpenter;
  }

  /**
   * Run-time guardrails for this cluster (see `ClusterGuardrails`): alerts when its security groups or
   * its configuration change outside CloudFormation, fixed-name alarms, AWS Health events for EKS. The
   * kubectl provider's owned group, when there is one, is watched too. Call it once.
   */
  public addGuardrails(options: ClusterGuardrailsOptions = {}): ClusterGuardrails {
    checkProps(this, 'options', options, {}, false);
    if (this.node.tryFindChild('Guardrails') !== undefined) {
      throw new SafeEksError(this, 'GuardrailsAddedTwice', 'this cluster already has guardrails.', 'a second addGuardrails call', 'call addGuardrails once, with all its options');
    }
    const kubectl = this.kubectlProviderSecurityGroup ? [this.kubectlProviderSecurityGroup] : [];
    const securityGroups = Array.isArray(options.securityGroups) ? [...options.securityGroups, ...kubectl] : options.securityGroups ?? kubectl;
    return new ClusterGuardrails(this, 'Guardrails', { ...options, securityGroups, cluster: this });
  }

  private createOwnedGroups(): { controlPlane: ec2.SecurityGroup; nodes: ec2.SecurityGroup } {
    const controlPlane = new ec2.SecurityGroup(this, 'ControlPlaneSecurityGroup', {
      vpc: this.vpc,
      // Constant (no name, no prose): GroupDescription is create-only; an edit replaces the group and the cluster.
      description: CONTROL_PLANE_GROUP_DESCRIPTION,
      allowAllOutbound: false,
    });
    const nodes = new ec2.SecurityGroup(this, 'NodeSecurityGroup', {
      vpc: this.vpc,
      description: NODE_GROUP_DESCRIPTION,
      allowAllOutbound: false,
    });
    // The AWS Load Balancer Controller needs exactly one group tagged owned on each node: this one.
    Tags.of(nodes).add(`kubernetes.io/cluster/${this.clusterName}`, 'owned');
    return { controlPlane, nodes };
  }

  private writeRequiredFlows(props: SafeClusterProps): void {
    let flows = RequiredFlows.select({
      webhookFlows: props.webhookFlows, nodeTraffic: props.nodeTraffic,
      controlPlaneTraffic: props.controlPlaneTraffic, webhookPorts: props.webhookPorts,
    });
    if (this.vpcCidr === undefined && flows.some((f) => f.source === FlowRole.VPC)) {
      flows = flows.filter((f) => f.source !== FlowRole.VPC);
      Annotations.of(this).addWarningV2('cdk-safe-eks:pathMtuNotWritten',
        'The VPC was imported without its CIDR, so the rule that lets ICMP fragmentation-needed from the VPC reach the nodes (VpcToNodesPathMtu) is not written. '
        + 'Pass `vpcCidrBlock` to ec2.Vpc.fromVpcAttributes so path-MTU discovery works.');
    }
    this.writeFlows(flows);
  }

  private writeFlows(flows: RequiredFlow[]): void {
    addFlowRules({ controlPlane: this.controlPlaneSecurityGroup, nodes: this.nodeSecurityGroup, vpcCidr: this.vpcCidr }, flows);
    this.flows.push(...flows);
  }

  // The kubectl Lambda goes on an owned group (443 to the control plane), never on the EKS-created one.
  private kubectlProvider(options: eks.KubectlProviderOptions | undefined): { options: eks.KubectlProviderOptions; ownedGroup?: ec2.SecurityGroup } | undefined {
    if (options === undefined) return undefined;
    const given = options.securityGroups ?? (options.securityGroup ? [options.securityGroup] : []);
    const owned = given.length > 0 ? undefined : new ec2.SecurityGroup(this, 'KubectlProviderSecurityGroup', {
      vpc: this.vpc,
      description: KUBECTL_GROUP_DESCRIPTION,
      allowAllOutbound: false,
    });
    // `aws eks update-kubeconfig` and chart downloads reach AWS and registries over HTTPS.
    owned?.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'cdk-safe-eks: kubectl provider to AWS APIs and chart registries over HTTPS');
    for (const group of owned ? [owned] : given) {
      const flow = RequiredFlows.kubectlProviderToApi(group.securityGroupId, owned ? undefined : Names.nodeUniqueId(group.node));
      this.controlPlaneSecurityGroup.connections.allowFrom(group, ec2.Port.tcp(443), flowRuleDescription(flow));
      this.flows.push(flow);
    }
    // aws-eks-v2 refuses `securityGroup` next to `securityGroups`, and warns of the deprecated key whenever it is
    // present, even undefined: pass the list only, without the key.
    const passed: { -readonly [K in keyof eks.KubectlProviderOptions]: eks.KubectlProviderOptions[K] } = { ...options, securityGroups: owned ? [owned] : given };
    delete passed.securityGroup;
    return { options: passed, ownedGroup: owned };
  }

  private createEksCluster(props: SafeClusterProps, kubectlProviderOptions: eks.KubectlProviderOptions | undefined): eks.Cluster {
    // Create-only: off, an existing cluster keeps its value (unset, EKS's true) and is not replaced.
    const noSelfManagedAddons = featureFlagEnabled(this, SafeEksFeatureFlags.NO_SELF_MANAGED_ADDONS);
    return new eks.Cluster(this, 'Cluster', {
      version: props.version,
      clusterName: this.clusterName,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      securityGroup: this.controlPlaneSecurityGroup,
      endpointAccess: props.endpointAccess ?? eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: this.secretsEncryptionKey,
      clusterLogging: props.clusterLogging ?? ALL_LOG_TYPES,
      bootstrapClusterCreatorAdminPermissions: props.bootstrapClusterCreatorAdminPermissions ?? false,
      // Auto Mode and default capacity put nodes on the EKS-created group; node groups come from addNodegroup.
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      serviceIpv4Cidr: props.serviceIpv4Cidr,
      kubectlProviderOptions,
      tags: props.tags,
      bootstrapSelfManagedAddons: noSelfManagedAddons ? false : undefined,
    });
  }

  // The add-ons take over the self-managed copies on a cluster created with them (EKS supports the migration).
  private createAddons(props: SafeClusterProps): ClusterAddons {
    const resolved = resolveAddonVersions(this, props.version.version, props.addonVersions, props.unlistedAddonVersionReason);
    for (const note of resolved.unconfirmed) {
      Annotations.of(this).addInfo(`Add-on version not confirmed by an AWS listing for Kubernetes ${props.version.version}: ${note}. `
        + 'Refresh the table from `aws eks describe-addon-versions` (docs/addons.md) or set `addonVersions`.');
    }
    return new ClusterAddons(this, 'Addons', { cluster: this.eksCluster, versions: resolved.versions });
  }

  // The L2 has no props for these yet: set them on the native AWS::EKS::Cluster.
  private hardenCfnCluster(props: SafeClusterProps): void {
    this.cfnCluster.upgradePolicy = { supportType: props.upgradeSupportType ?? UpgradeSupportType.EXTENDED };
    this.cfnCluster.deletionProtection = props.deletionProtection ?? true;
    keepDependentsWhileProtected(this, props.deletionProtection ?? true);
    acknowledgeEksManagedPolicies(this.eksCluster.role, ['AmazonEKSClusterPolicy'],
      'AmazonEKSClusterPolicy is the policy EKS documents for the cluster IAM role; AWS keeps it in step with what the control plane calls.');
    Validations.of(this.cfnCluster).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason: 'aws-eks-v2 writes EncryptionConfig.Resources=[secrets]; the EKS CreateCluster API still documents it as the resource list to encrypt, so it stays until the L2 drops it.',
    });
  }

  private grantAdmins(roles: iam.IRole[]): void {
    const keys = adminAccessEntryKeys(this, roles);
    roles.forEach((role, i) => this.eksCluster.grantClusterAdmin(keys[i], role.roleArn));
  }

  private addDefaultNodegroup(props: SafeClusterProps): SafeNodegroup | undefined {
    const capacity = props.defaultCapacity ?? 2;
    if (capacity === 0) return undefined;
    return this.addNodegroup('DefaultNodegroup', {
      instanceTypes: [props.defaultCapacityInstance ?? new ec2.InstanceType('m5.large')],
      minSize: capacity, desiredSize: capacity, maxSize: capacity,
    });
  }

  // The flows written here, the VPC CIDR, Karpenter's node group, the owned node group and acknowledged
  // findings travel with the template, so every checker proves this choice and no other.
  private recordIntent(): void {
    this.node.addValidation({ validate: () => this.findForeignNodegroups() });
    const nodeSecurityGroup = (this.nodeSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup).logicalId;
    this.cfnCluster.addMetadata(INTENT_METADATA_KEY, Lazy.any({
      produce: () => intentMetadata(this.flows, {
        vpcCidr: this.vpcCidr, karpenterNodeGroup: this.karpenter && this.nodeSecurityGroup.securityGroupId,
        nodeSecurityGroup, acknowledgements: this.acknowledgements,
      }),
    }));
    this.node.addValidation(new ClusterConnectivityValidation(this, this.cfnCluster));
    this.node.addValidation(new ClusterTreeValidation(this, this.eksCluster));
  }

  // Node groups attached to this cluster by any other path carry the EKS-created group.
  private findForeignNodegroups(): string[] {
    return this.node.root.node.findAll()
      .filter((c): c is eks.Nodegroup => c instanceof eks.Nodegroup && c.cluster === this.cluster && !this.safeNodegroups.has(c))
      .map((ng) => formatProblem(ng,
        'This node group was not created by SafeCluster.addNodegroup, so its nodes carry the EKS-created cluster security group instead of the owned node security group.',
        'a node group attached through cluster.addNodegroupCapacity or new eks.Nodegroup',
        `create it with ${this.node.path}.addNodegroup(id, options)`));
  }
}

/**
 * The VPC's IPv4 CIDR: the literal block of a VPC created in the app (so no export is needed and the
 * proofs read it from this stack alone), the imported value otherwise, or undefined for a VPC imported
 * without one (CDK throws on access).
 */
function literalVpcCidr(vpc: ec2.IVpc): string | undefined {
  const cfn = vpc.node.defaultChild;
  if (cfn instanceof ec2.CfnVPC && typeof cfn.cidrBlock === 'string' && !Token.isUnresolved(cfn.cidrBlock)) return cfn.cidrBlock;
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
}

/** The IPv4 or IPv6 CIDR of an address peer (`ec2.Peer.ipv4`, `anyIpv4`, ...), undefined for groups. */
function literalPeerCidr(peer: ec2.IConnectable): string | undefined {
  const asPeer = peer as Partial<ec2.IPeer>;
  if (asPeer.canInlineRule !== true || typeof asPeer.toIngressRuleConfig !== 'function') return undefined;
  const config = asPeer.toIngressRuleConfig() as { cidrIp?: string; cidrIpv6?: string };
  return config.cidrIp ?? config.cidrIpv6;
}

function peerName(peer: ec2.IConnectable): string {
  return (peer as Partial<ec2.IPeer>).uniqueId ?? (Construct.isConstruct(peer) ? peer.node.path : 'a peer without security groups');
}

function addNodeEgress(nodes: ec2.SecurityGroup, restricted: boolean): void {
  if (restricted) {
    nodes.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'cdk-safe-eks: nodes to registries and AWS APIs over HTTPS');
    return;
  }
  nodes.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.allTcp(), 'cdk-safe-eks: nodes and pods to any IPv4 destination over TCP');
  nodes.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.allUdp(), 'cdk-safe-eks: nodes and pods to any IPv4 destination over UDP');
}

function warnAboutAccessAndLogging(scope: IConstruct, props: SafeClusterProps): void {
  if ((props.adminRoles ?? []).length === 0 && !(props.bootstrapClusterCreatorAdminPermissions ?? false)) {
    Annotations.of(scope).addWarningV2('cdk-safe-eks:noClusterAdmin',
      'No access entry grants cluster admin: set `adminRoles` (or `bootstrapClusterCreatorAdminPermissions: true`), or nobody can use the Kubernetes API.');
  }
  const logging = props.clusterLogging ?? ALL_LOG_TYPES;
  const missing = ALL_LOG_TYPES.filter((t) => !logging.includes(t));
  if (missing.length > 0) {
    Annotations.of(scope).addWarningV2('cdk-safe-eks:incompleteControlPlaneLogs',
      `Control-plane log types not exported: ${missing.join(', ')}. Without them an upgrade failure cannot be investigated afterwards.`);
  }
}

// Checks the flow table cannot make alone: contradicting flow options, and the Karpenter tag on the cluster.
function validateFlowOptions(scope: Construct, props: SafeClusterProps): void {
  const problem = RequiredFlows.selectionProblem(props);
  if (problem !== undefined) {
    throw new SafeEksError(scope, 'FlowOptions', 'The flow options contradict each other.',
      `webhookFlows=${show(props.webhookFlows)}, controlPlaneTraffic=${show(props.controlPlaneTraffic?.value)}, webhookPorts=${show(props.webhookPorts)}`, problem);
  }
  if (props.tags !== undefined && KARPENTER_DISCOVERY_TAG in props.tags) {
    throw new SafeEksError(scope, 'KarpenterDiscoveryTag',
      `The tag ${KARPENTER_DISCOVERY_TAG} marks the owned node group for Karpenter; on the cluster, EKS would copy it to the group it creates.`,
      show(props.tags[KARPENTER_DISCOVERY_TAG]), `remove ${KARPENTER_DISCOVERY_TAG} from \`tags\` and call enableKarpenter()`);
  }
}
