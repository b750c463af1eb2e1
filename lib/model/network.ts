/**
 * The plain data the flow evaluation works on: security groups with their rules, and what carries
 * them. A `NetworkReader` produces it; evaluation never sees where it came from (templates today; a
 * reader of live EC2 `DescribeSecurityGroupRules` output can be added without touching evaluation).
 */
import { GroupRef } from './group-ref';
import { ClusterIntent } from './intent';
import { FlowRole } from './required-flows';
import { RuleProtocol } from './traffic';
import { WorkloadKind } from './workloads';

/** One security-group rule, inline or standalone, with where it is written. */
export interface SgRule {
  readonly direction: 'ingress' | 'egress';
  /** Key (`GroupRef.key`) of the group the rule is on. */
  readonly group: string;
  readonly protocol: RuleProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  /** Key of the peer group, for rules that name one. */
  readonly peerGroup?: string;
  /** Peer IPv4 CIDR, for rules that name one. */
  readonly peerCidr?: string;
  /** Stack and logical ID of the rule resource, or of the group for an inline rule (for live rules: the account and rule ID). */
  readonly stackId: string;
  readonly logicalId: string;
  /** `SecurityGroupIngress[2]` for inline rules; undefined for standalone rule resources. */
  readonly inlineAt?: string;
  /** Not written anywhere: the EKS-created group's documented defaults, or EC2's default egress. */
  readonly implicit?: string;
}

/** A security group: declared, created by EKS, or only referenced (an ID or parameter). */
export interface SecurityGroupNode {
  readonly ref: GroupRef;
  /** Same as `ref.key`. */
  readonly key: string;
  /** False for groups that are only referenced: their rules are unknown. */
  readonly declared: boolean;
  /** IPv4 CIDR of the group's VPC when known. */
  vpcCidr?: string;
  readonly ingress: SgRule[];
  readonly egress: SgRule[];
}

/** Groups by key, and the one question evaluation asks of a key. */
export class GroupIndex {
  constructor(private readonly groups: ReadonlyMap<string, SecurityGroupNode>) {}

  public get(key: string): SecurityGroupNode | undefined {
    return this.groups.get(key);
  }

  /** True for the EKS-created cluster security group (decided once, by `GroupRef`). */
  public isEksCreated(key: string): boolean {
    return this.groups.get(key)?.ref.isEksCreated ?? false;
  }

  /** A rule on the EKS-created group, or naming it as peer: the incident replay removes it. */
  public dependsOnEksCreated(rule: SgRule): boolean {
    return this.isEksCreated(rule.group) || (rule.peerGroup !== undefined && this.isEksCreated(rule.peerGroup));
  }
}

/** Network interfaces that share a list of security groups: the control plane, or one workload. */
export interface Endpoint {
  readonly label: string;
  readonly groups: readonly string[];
  /** How to give these interfaces an owned group, when they have none (the fix names it). */
  readonly ownGroupFix?: string;
}

/** Interfaces of one kind of workload of a cluster. */
export interface Workload extends Endpoint {
  readonly kind: WorkloadKind;
}

/** An EKS cluster with the groups on its control plane and on each of its workloads. */
export interface ClusterAttachment {
  /** `<stack>/<logical ID>` of the `AWS::EKS::Cluster` (or aws-eks v1 `Custom::AWSCDK-EKS-Cluster`). */
  readonly key: string;
  /** Additional groups (`ResourcesVpcConfig.SecurityGroupIds`) plus the EKS-created group. */
  readonly controlPlane: Endpoint;
  /** Key of the EKS-created group. */
  readonly eksCreatedGroup: string;
  /** Every node group, Auto Mode, Fargate profile and in-VPC API client of the cluster. */
  readonly workloads: Workload[];
  /** What the cluster recorded it requires (`SafeCluster` does); undefined for any other cluster. */
  readonly intent?: ClusterIntent;
}

/** A database, cache or load balancer and the groups on its interfaces. */
export interface PeerAttachment extends Endpoint {
  readonly role: FlowRole;
  /** Port clients connect to (data stores only), when stated or known from the engine. */
  readonly port?: number;
}

/** What a managed node group's launch template puts on its nodes. */
export interface NodegroupTemplate {
  /** The node group names a launch template. */
  readonly hasLaunchTemplate: boolean;
  /** Group keys on the nodes; `undefined` when the named template is not in the input. */
  readonly groups?: readonly string[];
}

/** Where every cluster, workload, data store and load balancer sits. */
export interface Attachments {
  readonly clusters: ClusterAttachment[];
  readonly dataStores: PeerAttachment[];
  readonly loadBalancers: PeerAttachment[];
  /** Every managed node group by `<stack>/<logical ID>`, whether or not its cluster is known. */
  readonly nodegroups: ReadonlyMap<string, NodegroupTemplate>;
  /** The groups of every data store by `<stack>/<logical ID>`, Aurora instances and stores without groups included. */
  readonly dataStoreGroups: ReadonlyMap<string, readonly string[]>;
}

/** Everything evaluation needs, as plain data. */
export interface NetworkSnapshot {
  readonly groups: GroupIndex;
  readonly attachments: Attachments;
  /** Resources that write a rule on, or naming, the EKS-created group (whatever the rule admits). */
  readonly eksCreatedRuleWriters: ReadonlySet<string>;
  /** Per group key, the groups its written ingress rules trust. */
  readonly ingressPeers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per resource, why a list of its groups or rules is not known until deploy time. */
  readonly unreadable: ReadonlyMap<string, string>;
  /** Per stack (or other source), the file it was read from. */
  readonly sources: ReadonlyMap<string, string | undefined>;
  /** What could not be read or followed, one line each. */
  readonly warnings: readonly string[];
}

/** A source of a `NetworkSnapshot`: CloudFormation templates (`TemplateReader`), or later a live account. */
export interface NetworkReader {
  read(): NetworkSnapshot;
}
