import { Annotations, Lazy, Names, RemovalPolicy, Resource, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { ISafeCluster } from './i-safe-cluster';
import { SafeNodegroup, SafeNodegroupOptions } from './safe-nodegroup';
import { ClusterConnectivityValidation } from '../checks/cluster-connectivity-validation';
import { addFlowRules } from '../network/flow-rules';
import { Findings } from '../model/findings';
import { FindingAcknowledgement, INTENT_METADATA_KEY, intentMetadata } from '../model/intent';
import { RequiredFlow, RequiredFlows } from '../model/required-flows';
import { acknowledgeEksManagedPolicies } from '../private/acknowledgements';
import { SafeEksError, formatProblem, show } from '../private/errors';
import { cidrContains, parseIpv4Cidr } from '../model/cidr';
import { requireIntegerInRange } from '../private/validate';

const SAFE_CLUSTER_SYMBOL = Symbol.for('cdk-safe-eks.SafeCluster');

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

/** Properties of a `SafeCluster`. */
export interface SafeClusterProps {
  /** Kubernetes version of the control plane. Upgrading it in place is what blue-green pairs replace. */
  readonly version: eks.KubernetesVersion;
  /** The VPC for the cluster. Required so that no VPC is created or looked up behind your back. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the control-plane network interfaces.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection[];
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
   * KMS key that envelope-encrypts Kubernetes secrets.
   *
   * @default - a new key with rotation on, retained when the stack is deleted
   */
  readonly secretsEncryptionKey?: kms.IKey;
  /**
   * Control-plane log types sent to CloudWatch Logs. Fewer than all five gives a warning.
   *
   * @default - all five: api, audit, authenticator, controllerManager, scheduler
   */
  readonly clusterLogging?: eks.ClusterLoggingTypes[];
  /**
   * IAM roles granted cluster admin through an EKS access entry (authentication mode API).
   *
   * @default - none; a warning is raised if nobody, not even the creator, can administer the cluster
   */
  readonly adminRoles?: iam.IRole[];
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
   * Write the webhook flows (control plane to nodes on 4443, 6443, 8443, 9443, 10251).
   *
   * @default true
   */
  readonly webhookFlows?: boolean;
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
   * Options for a kubectl provider (a Lambda function). Only needed for `addManifest`/`addHelmChart`.
   *
   * @default - no kubectl provider
   */
  readonly kubectlProviderOptions?: eks.KubectlProviderOptions;
  /**
   * Tags for the cluster.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const ALL_LOG_TYPES = [
  eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER, eks.ClusterLoggingTypes.SCHEDULER,
];
const CLUSTER_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
const KUBERNETES_VERSION_PATTERN = /^1\.(\d{1,3})$/;
const SERVICE_CIDR_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const MAX_DEFAULT_CAPACITY = 1000;

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
    class Import extends Resource implements ISafeCluster {
      public readonly clusterName = attrs.clusterName;
      public readonly clusterArn = attrs.clusterArn ?? Stack.of(scope).formatArn({
        service: 'eks', resource: 'cluster', resourceName: attrs.clusterName,
      });
      public readonly vpc = attrs.vpc;
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
  /** The flows of the required-flow table this cluster writes and proves. */
  public readonly requiredFlows: RequiredFlow[];
  /** The default node group, when `defaultCapacity` is above 0. */
  public readonly defaultNodegroup?: SafeNodegroup;

  private readonly eksCluster: eks.Cluster;
  private readonly safeNodegroups = new Set<eks.Nodegroup>();
  private readonly acknowledgements: FindingAcknowledgement[] = [];

  constructor(scope: Construct, id: string, props: SafeClusterProps) {
    super(scope, id);
    Object.defineProperty(this, SAFE_CLUSTER_SYMBOL, { value: true });
    validateProps(this, props);

    this.vpc = props.vpc;
    this.version = props.version;
    this.clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 100 });

    const controlPlaneSecurityGroup = new ec2.SecurityGroup(this, 'ControlPlaneSecurityGroup', {
      vpc: props.vpc,
      description: `cdk-safe-eks control plane of ${this.clusterName}: owned rules to and from nodes`,
      allowAllOutbound: false,
    });
    const nodeSecurityGroup = new ec2.SecurityGroup(this, 'NodeSecurityGroup', {
      vpc: props.vpc,
      description: `cdk-safe-eks nodes of ${this.clusterName}: the only security group on every node`,
      allowAllOutbound: false,
    });
    // The AWS Load Balancer Controller needs exactly one group tagged owned on each node: this one.
    Tags.of(nodeSecurityGroup).add(`kubernetes.io/cluster/${this.clusterName}`, 'owned');

    this.requiredFlows = RequiredFlows.select({ webhookFlows: props.webhookFlows });
    addFlowRules({ controlPlane: controlPlaneSecurityGroup, nodes: nodeSecurityGroup }, this.requiredFlows);
    addNodeEgress(nodeSecurityGroup, props.restrictNodeEgress ?? false);
    this.controlPlaneSecurityGroup = controlPlaneSecurityGroup;
    this.nodeSecurityGroup = nodeSecurityGroup;
    this.connections = new ec2.Connections({ securityGroups: [nodeSecurityGroup] });

    this.secretsEncryptionKey = props.secretsEncryptionKey ?? new kms.Key(this, 'SecretsKey', {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${this.clusterName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.eksCluster = new eks.Cluster(this, 'Cluster', {
      version: props.version,
      clusterName: this.clusterName,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      securityGroup: controlPlaneSecurityGroup,
      endpointAccess: props.endpointAccess ?? eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: this.secretsEncryptionKey,
      clusterLogging: props.clusterLogging ?? ALL_LOG_TYPES,
      bootstrapClusterCreatorAdminPermissions: props.bootstrapClusterCreatorAdminPermissions ?? false,
      // Auto Mode and default capacity put nodes on the EKS-created group; node groups come from addNodegroup.
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      serviceIpv4Cidr: props.serviceIpv4Cidr,
      kubectlProviderOptions: props.kubectlProviderOptions,
      tags: props.tags,
    });
    this.cluster = this.eksCluster;
    this.clusterArn = this.eksCluster.clusterArn;

    // The L2 has no props for these yet: set them on the native AWS::EKS::Cluster.
    const cfnCluster = this.eksCluster.node.defaultChild as eks.CfnCluster;
    cfnCluster.upgradePolicy = { supportType: props.upgradeSupportType ?? UpgradeSupportType.EXTENDED };
    cfnCluster.deletionProtection = props.deletionProtection ?? true;
    acknowledgeEksManagedPolicies(this.eksCluster.role, ['AmazonEKSClusterPolicy'],
      'AmazonEKSClusterPolicy is the policy EKS documents for the cluster IAM role; AWS keeps it in step with what the control plane calls.');
    Validations.of(cfnCluster).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason: 'aws-eks-v2 writes EncryptionConfig.Resources=[secrets]; the EKS CreateCluster API still documents it as the resource list to encrypt, so it stays until the L2 drops it.',
    });

    (props.adminRoles ?? []).forEach((role, i) => this.eksCluster.grantClusterAdmin(`Admin${i}`, role.roleArn));
    warnAboutAccessAndLogging(this, props);

    const defaultCapacity = props.defaultCapacity ?? 2;
    if (defaultCapacity > 0) {
      this.defaultNodegroup = this.addNodegroup('DefaultNodegroup', {
        instanceTypes: [props.defaultCapacityInstance ?? new ec2.InstanceType('m5.large')],
        minSize: defaultCapacity, desiredSize: defaultCapacity, maxSize: defaultCapacity,
      });
    }

    this.node.addValidation({ validate: () => this.findForeignNodegroups() });
    this.recordIntent(cfnCluster, nodeSecurityGroup);
    this.node.addValidation(new ClusterConnectivityValidation(this, cfnCluster));
  }

  /**
   * Adds a managed node group whose nodes carry only the owned node security group.
   * Use this instead of `cluster.addNodegroupCapacity`, which synthesis refuses.
   */
  public addNodegroup(id: string, options: SafeNodegroupOptions = {}): SafeNodegroup {
    const group = new SafeNodegroup(this, id, { ...options, cluster: this });
    this.safeNodegroups.add(group.nodegroup);
    return group;
  }

  /**
   * Accepts a connectivity finding of this cluster on purpose, e.g.
   * `EksUpgradeSafety-EFL1[Flow::NodesToNodesDnsUdp::fargate-pods]` for the Fargate pods' DNS flow, or
   * `EksUpgradeSafety-EUP1`. The acknowledgement is recorded in the template with the cluster's intent,
   * so the nag pack, `ConnectivityChecks` and `cdk-safe-eks verify` all honour it, with the reason.
   */
  public acknowledgeConnectivityFinding(findingId: string, reason: string): void {
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
    Annotations.of(this).addWarningV2('cdk-safe-eks:fargateUsesClusterSecurityGroup',
      `Fargate profile "${id}": Fargate pods always use the EKS-created cluster security group, whose rules EKS manages. `
      + 'Their connectivity is not owned by this stack and can change on a cluster upgrade. Prefer a node group for workloads that must survive upgrades.');
    return this.eksCluster.addFargateProfile(id, options);
  }

  // The flows written here, the owned node group and acknowledged findings travel with the template,
  // so every checker proves this choice and no other.
  private recordIntent(cfnCluster: eks.CfnCluster, nodeSecurityGroup: ec2.SecurityGroup): void {
    const nodeGroupLogicalId = (nodeSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup).logicalId;
    cfnCluster.addMetadata(INTENT_METADATA_KEY, Lazy.any({
      produce: () => intentMetadata(this.requiredFlows, { nodeSecurityGroup: nodeGroupLogicalId, acknowledgements: this.acknowledgements }),
    }));
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

function validateProps(scope: Construct, props: SafeClusterProps): void {
  const name = props.clusterName;
  if (name !== undefined && !Token.isUnresolved(name) && !CLUSTER_NAME_PATTERN.test(name)) {
    throw new SafeEksError(scope, 'ClusterName',
      '`clusterName` must be 1 to 100 characters, start with a letter or digit, and contain only letters, digits, hyphens and underscores.',
      show(name), 'choose a name such as "payments-blue"');
  }
  const version = props.version?.version;
  if (version === undefined) {
    throw new SafeEksError(scope, 'KubernetesVersion', '`version` is required.', 'undefined',
      'set `version`, for example eks.KubernetesVersion.V1_34');
  }
  if (!Token.isUnresolved(version) && !KUBERNETES_VERSION_PATTERN.test(version)) {
    throw new SafeEksError(scope, 'KubernetesVersion',
      '`version` must be a Kubernetes minor version of the form "1.N".', show(version),
      'use a constant such as eks.KubernetesVersion.V1_34 or eks.KubernetesVersion.of("1.34")');
  }
  if (props.vpc === undefined) {
    throw new SafeEksError(scope, 'Vpc', '`vpc` is required: SafeCluster never creates or looks up a VPC on its own.',
      'undefined', 'pass an ec2.Vpc you create, or ec2.Vpc.fromVpcAttributes(...) for an existing one');
  }
  requireIntegerInRange(scope, 'defaultCapacity', props.defaultCapacity, 0, MAX_DEFAULT_CAPACITY);
  validateServiceCidr(scope, props.serviceIpv4Cidr);
}

function validateServiceCidr(scope: Construct, cidr: string | undefined): void {
  if (cidr === undefined || Token.isUnresolved(cidr)) return;
  const parsed = parseIpv4Cidr(cidr);
  const inPrivateRange = parsed !== undefined
    && SERVICE_CIDR_RANGES.some((range) => cidrContains(parseIpv4Cidr(range)!, parsed));
  if (!parsed || parsed.prefix < 12 || parsed.prefix > 24 || !inPrivateRange) {
    throw new SafeEksError(scope, 'ServiceIpv4Cidr',
      '`serviceIpv4Cidr` must be a /12 to /24 IPv4 block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.',
      show(cidr), 'use a block such as "172.20.0.0/16" that does not overlap your VPC');
  }
}
