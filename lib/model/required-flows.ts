/**
 * The flows an EKS cluster needs between its control plane and its nodes, as data.
 *
 * This table is the single source for the rules `SafeCluster` writes and for the
 * checks that prove them: a flow added here is both created and verified.
 */
import { formatPorts } from './traffic';

/** Who sits at one end of a flow. */
export enum FlowRole {
  /** The EKS control-plane network interfaces (the cluster's additional security group). */
  CONTROL_PLANE = 'control-plane',
  /** Worker nodes and the pods that share their network interfaces. */
  NODES = 'nodes',
  /** A database the nodes' workloads use. */
  DATABASE = 'database',
  /** A cache the nodes' workloads use. */
  CACHE = 'cache',
  /** A load balancer that sends traffic to the nodes. */
  LOAD_BALANCER = 'load-balancer',
}

/** IP protocol of a flow, with the value CloudFormation expects in `IpProtocol`. */
export enum FlowProtocol {
  /** TCP. */
  TCP = 'tcp',
  /** UDP. */
  UDP = 'udp',
}

/** Why a flow is required, and whether it can be switched off. */
export enum FlowCategory {
  /** Without it nodes cannot join or stay Ready, or pods cannot resolve names or talk. Always on. */
  CORE = 'core',
  /** Admission and metrics webhooks served by pods and called by the API server. Can be switched off. */
  WEBHOOK = 'webhook',
}

/** One flow the cluster needs: `source` opens a connection to `destination` on `protocol`/`ports`. */
export interface RequiredFlow {
  /** Stable identifier, used in construct IDs and check reports. Never rename: it is part of the logical IDs. */
  readonly id: string;
  /** The side that opens the connection (gets the egress rule). */
  readonly source: FlowRole;
  /** The side that accepts the connection (gets the ingress rule). */
  readonly destination: FlowRole;
  /** IP protocol. */
  readonly protocol: FlowProtocol;
  /** First port of the range, inclusive. */
  readonly fromPort: number;
  /** Last port of the range, inclusive. */
  readonly toPort: number;
  /** Whether the flow is always on or can be switched off. */
  readonly category: FlowCategory;
  /** One line: why the flow exists and the AWS (or peer) source that requires it. */
  readonly reason: string;
}

const SEC_GROUP_REQS = 'AWS EKS user guide, sec-group-reqs';
const TF_EKS_RECOMMENDED = 'terraform-aws-eks node_security_group_recommended_rules';

function flow(
  id: string, source: FlowRole, destination: FlowRole, protocol: FlowProtocol,
  ports: [number, number], category: FlowCategory, reason: string,
): RequiredFlow {
  return { id, source, destination, protocol, fromPort: ports[0], toPort: ports[1], category, reason };
}

const CP = FlowRole.CONTROL_PLANE;
const NODES = FlowRole.NODES;
const { TCP, UDP } = FlowProtocol;
const { CORE, WEBHOOK } = FlowCategory;

/**
 * Every flow between control plane and nodes, in the order rules are written.
 *
 * Sources: the minimum rules of the EKS cluster security group (443, 10250, 53) from the AWS EKS user
 * guide "View Amazon EKS security group requirements for clusters"; node-to-node ephemeral and webhook
 * ports from terraform-aws-eks v21 recommended rules, which match the classic EKS node templates.
 */
const TABLE: readonly RequiredFlow[] = Object.freeze([
  flow('ControlPlaneToNodesHttps', CP, NODES, TCP, [443, 443], CORE,
    `API server to pods serving extension APIs and webhooks on 443 (${SEC_GROUP_REQS}: outbound TCP 443).`),
  flow('ControlPlaneToNodesKubelet', CP, NODES, TCP, [10250, 10250], CORE,
    `API server to kubelet for logs, exec and health (${SEC_GROUP_REQS}: outbound TCP 10250).`),
  flow('NodesToControlPlaneHttps', NODES, CP, TCP, [443, 443], CORE,
    `Kubelet and pods to the Kubernetes API; without it nodes cannot join or stay Ready (${SEC_GROUP_REQS}: TCP 443).`),
  flow('NodesToNodesDnsTcp', NODES, NODES, TCP, [53, 53], CORE,
    `Pods to CoreDNS on other nodes over TCP (${SEC_GROUP_REQS}: TCP and UDP 53).`),
  flow('NodesToNodesDnsUdp', NODES, NODES, UDP, [53, 53], CORE,
    `Pods to CoreDNS on other nodes over UDP (${SEC_GROUP_REQS}: TCP and UDP 53).`),
  flow('NodesToNodesEphemeral', NODES, NODES, TCP, [1025, 65535], CORE,
    `Pod to pod across nodes on unprivileged ports (${SEC_GROUP_REQS}: "inter-node traffic"; ${TF_EKS_RECOMMENDED}).`),
  flow('ControlPlaneToNodesWebhook4443', CP, NODES, TCP, [4443, 4443], WEBHOOK,
    `API server to metrics-server (legacy port) (${TF_EKS_RECOMMENDED}).`),
  flow('ControlPlaneToNodesWebhook6443', CP, NODES, TCP, [6443, 6443], WEBHOOK,
    `API server to prometheus-adapter (${TF_EKS_RECOMMENDED}).`),
  flow('ControlPlaneToNodesWebhook8443', CP, NODES, TCP, [8443, 8443], WEBHOOK,
    `API server to Karpenter webhooks (${TF_EKS_RECOMMENDED}).`),
  flow('ControlPlaneToNodesWebhook9443', CP, NODES, TCP, [9443, 9443], WEBHOOK,
    `API server to AWS Load Balancer Controller and NGINX webhooks (${TF_EKS_RECOMMENDED}).`),
  flow('ControlPlaneToNodesWebhook10251', CP, NODES, TCP, [10251, 10251], WEBHOOK,
    `API server to metrics-server, the current EKS default port (${TF_EKS_RECOMMENDED}).`),
]);

/** Options that select which flows of the table a cluster requires. */
export interface FlowSelection {
  /**
   * Include the webhook flows (control plane to nodes on 4443, 6443, 8443, 9443, 10251).
   *
   * @default true
   */
  readonly webhookFlows?: boolean;
}

/** The required-flow table and its queries. */
export class RequiredFlows {
  /** Every flow of the table, in the order rules are written. */
  public static all(): RequiredFlow[] {
    return [...TABLE];
  }

  /** The flows a cluster with these options requires, in table order. */
  public static select(selection: FlowSelection = {}): RequiredFlow[] {
    const webhooks = selection.webhookFlows ?? true;
    return TABLE.filter((f) => f.category === FlowCategory.CORE || webhooks);
  }

  /** `443`, `53` or `1025-65535`: how the README and reports print a flow's ports. */
  public static formatPorts(flow: RequiredFlow): string {
    return formatPorts(flow.fromPort, flow.toPort);
  }

  private constructor() {}
}
