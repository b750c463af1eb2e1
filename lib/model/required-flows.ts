/**
 * The flows an EKS cluster needs between its control plane and its nodes, as data.
 *
 * This table is the single source for the rules `SafeCluster` writes and for the
 * checks that prove them: a flow added here is both created and verified.
 */
import { InvalidArgumentError, requireArgument } from './argument-checks';
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
  /** Any address of the cluster's VPC (routers and hosts that send ICMP errors), not a security group. */
  VPC = 'vpc',
  /** A client of the Kubernetes API outside the cluster: a CI runner, a bastion, a VPN range. */
  API_CLIENT = 'api-client',
}

/** IP protocol of a flow, with the value CloudFormation expects in `IpProtocol`. */
export enum FlowProtocol {
  /** TCP. */
  TCP = 'tcp',
  /** UDP. */
  UDP = 'udp',
  /** ICMP; `fromPort` is the ICMP type and `toPort` the ICMP code. */
  ICMP = 'icmp',
  /** Every protocol and port (`-1`); only a rule of protocol `-1` covers it. */
  ALL = '-1',
}

/** Why a flow is required, and whether it can be switched off. */
export enum FlowCategory {
  /** Without it nodes cannot join or stay Ready, or pods cannot resolve names or talk. Always on. */
  CORE = 'core',
  /** Admission and metrics webhooks served by pods and called by the API server. Can be switched off. */
  WEBHOOK = 'webhook',
  /**
   * What the EKS-created cluster security group allowed between the same parties (and path-MTU ICMP):
   * on by default, left out by `NodeTraffic.RECOMMENDED` and `ControlPlaneTraffic.NARROW`.
   */
  ALL_TRAFFIC = 'all-traffic',
  /** Added by the cluster's owner for one peer or port (`allowApiAccessFrom`, `allowNodePortsFrom`). */
  EXTENSION = 'extension',
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
  /**
   * For a flow from outside the cluster: the IPv4 CIDR the source sends from.
   *
   * @default - the source is a role of the cluster (or, for `FlowRole.VPC`, the VPC's CIDR)
   */
  readonly peerCidr?: string;
  /**
   * For a flow from outside the cluster: the source's security group, as its ID when written by a
   * construct and as the model's group key (`<stack>/<logical ID>`) when read back from a template.
   *
   * @default - the source is a role of the cluster
   */
  readonly peerGroup?: string;
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
const { TCP, UDP, ICMP, ALL } = FlowProtocol;
const { CORE, WEBHOOK, ALL_TRAFFIC } = FlowCategory;

/**
 * Every flow between control plane and nodes, in the order rules are written.
 *
 * Sources: the minimum rules of the EKS-created cluster security group (443, 10250, 53) from the AWS EKS user
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

/**
 * What the EKS-created cluster security group allowed between the same parties, as owned rows, plus
 * path-MTU ICMP. `SafeCluster` writes them by default; they are not required of clusters built
 * without this library (those are held to the table above).
 */
const ALL_TRAFFIC_ROWS: readonly RequiredFlow[] = Object.freeze([
  flow('NodesToNodesAllTraffic', NODES, NODES, ALL, [0, 65535], ALL_TRAFFIC,
    `Pod to pod across nodes on any protocol and port, as the EKS-created group allows (${SEC_GROUP_REQS}: "any protocol and ports that you expect your nodes to use for inter-node communication").`),
  flow('ControlPlaneToNodesAllTcp', CP, NODES, TCP, [0, 65535], ALL_TRAFFIC,
    `API server to webhooks and extension APIs on any TCP port (Istio 15017, Vault 8080, cert-manager 10260), as the EKS-created group allows (${SEC_GROUP_REQS}).`),
  flow('VpcToNodesPathMtu', FlowRole.VPC, NODES, ICMP, [3, 4], ALL_TRAFFIC,
    'ICMP destination unreachable, fragmentation needed (type 3 code 4) from the VPC, so path-MTU discovery works (RFC 1191; AWS VPC user guide, path MTU discovery).'),
]);

function apiAccess(name: string): RequiredFlow {
  return flow(`ApiAccessFrom${name}`, FlowRole.API_CLIENT, CP, TCP, [443, 443], FlowCategory.EXTENSION, `Kubernetes API clients in ${name} (allowApiAccessFrom).`);
}

/** Ports the control plane always reaches on the nodes (core flows): not webhook ports. */
const CORE_CONTROL_PLANE_PORTS = [443, 10250];

/** Which node <-> node traffic the owned node group allows. */
export class NodeTraffic {
  /**
   * All traffic between nodes (one protocol `-1` rule pair on the owned node group), as the EKS-created
   * group allowed, plus ICMP fragmentation-needed from the VPC for path-MTU discovery.
   */
  public static readonly ALL = new NodeTraffic('all');
  /** DNS (tcp/udp 53) and tcp 1025-65535 only: the narrower set of earlier releases. Pods serving below 1025 need their own rule. */
  public static readonly RECOMMENDED = new NodeTraffic('recommended');

  private constructor(
    /** `all` or `recommended`. */
    public readonly value: string,
  ) {}
}

/** Which control plane -> node traffic the owned groups allow. */
export class ControlPlaneTraffic {
  /** Every TCP port, as the EKS-created group allowed: an admission webhook on any port just works. */
  public static readonly ALL_TCP = new ControlPlaneTraffic('all-tcp');
  /** 443, 10250 and the webhook ports only (`webhookFlows`, `webhookPorts`, `addWebhookPort`), each a flow of its own. */
  public static readonly NARROW = new ControlPlaneTraffic('narrow');

  private constructor(
    /** `all-tcp` or `narrow`. */
    public readonly value: string,
  ) {}
}

/** Options that select which flows of the table a cluster requires. */
export interface FlowSelection {
  /**
   * Include the webhook flows (control plane to nodes on 4443, 6443, 8443, 9443, 10251).
   *
   * @default true
   */
  readonly webhookFlows?: boolean;
  /**
   * Node <-> node traffic.
   *
   * @default NodeTraffic.ALL, or NodeTraffic.RECOMMENDED when `webhookFlows` is false
   */
  readonly nodeTraffic?: NodeTraffic;
  /**
   * Control plane -> node traffic. `ALL_TCP` with `webhookFlows: false` is a contradiction and throws.
   *
   * @default ControlPlaneTraffic.ALL_TCP, or ControlPlaneTraffic.NARROW when `webhookFlows` is false
   */
  readonly controlPlaneTraffic?: ControlPlaneTraffic;
  /**
   * More webhook ports, each its own flow `ControlPlaneToNodesWebhook<port>` (a port of the table keeps its row).
   * 443 and 10250 are core flows and throw.
   *
   * @default - none
   */
  readonly webhookPorts?: number[];
}

/** The required-flow table and its queries. */
export class RequiredFlows {
  /** ID of the flow from a cluster's nodes to a database whose ingress rules trust them (found in the templates, not a table row). */
  public static readonly NODES_TO_DATABASE = 'NodesToDatabase';
  /** ID of the flow from a cluster's nodes to a cache whose ingress rules trust them. */
  public static readonly NODES_TO_CACHE = 'NodesToCache';
  /** ID of the flow from a load balancer, in another stack, to the nodes that admit its group. */
  public static readonly LOAD_BALANCER_TO_NODES = 'LoadBalancerToNodes';

  /**
   * Every flow of the table, in the order rules are written: what every cluster needs, and what a
   * cluster built without this library (no recorded intent) is held to.
   */
  public static all(): RequiredFlow[] {
    return [...TABLE];
  }


  /**
   * The rows that give the owned groups what the EKS-created group allowed between the same parties
   * (node <-> node all traffic, control plane -> nodes all TCP) and path-MTU ICMP from the VPC.
   */
  public static allTraffic(): RequiredFlow[] {
    return [...ALL_TRAFFIC_ROWS];
  }

  /**
   * The flows a cluster with these options requires: table rows in table order, then the extra webhook
   * ports in the order given. Throws when the options contradict each other (see `selectionProblem`).
   */
  public static select(selection: FlowSelection = {}): RequiredFlow[] {
    requireArgument('RequiredFlows.select', 'selection', selection, 'object');
    requireArgument('RequiredFlows.select', 'selection.webhookFlows', selection.webhookFlows, 'boolean', true);
    const problem = RequiredFlows.selectionProblem(selection);
    if (problem !== undefined) {
      throw new InvalidArgumentError('RequiredFlows.select', 'FlowOptions', 'the flow options contradict each other.',
        `webhookFlows=${selection.webhookFlows}, controlPlaneTraffic=${selection.controlPlaneTraffic?.value}, webhookPorts=${JSON.stringify(selection.webhookPorts)}`, problem);
    }
    // `webhookFlows: false` keeps its meaning from earlier releases: the narrow rule set.
    const narrow = selection.webhookFlows === false;
    const nodeTraffic = (selection.nodeTraffic ?? (narrow ? NodeTraffic.RECOMMENDED : NodeTraffic.ALL)).value;
    const controlPlane = (selection.controlPlaneTraffic ?? (narrow ? ControlPlaneTraffic.NARROW : ControlPlaneTraffic.ALL_TCP)).value;
    const wanted = (f: RequiredFlow): boolean => {
      switch (f.category) {
        case WEBHOOK: return !narrow;
        case ALL_TRAFFIC: return f.source === CP ? controlPlane === ControlPlaneTraffic.ALL_TCP.value : nodeTraffic === NodeTraffic.ALL.value;
        default: return true;
      }
    };
    const flows = [...TABLE, ...ALL_TRAFFIC_ROWS].filter(wanted);
    for (const port of selection.webhookPorts ?? []) {
      const webhook = RequiredFlows.webhookFlow(port);
      if (!flows.some((f) => f.id === webhook.id)) flows.push(webhook);
    }
    return flows;
  }

  /**
   * Why these options cannot be combined, or undefined when they can: all TCP from the control plane
   * with `webhookFlows: false`, and 443 or 10250 (core flows) or a port outside 1-65535 as a webhook port.
   */
  public static selectionProblem(selection: FlowSelection): string | undefined {
    requireArgument('RequiredFlows.selectionProblem', 'selection', selection, 'object');
    requireArgument('RequiredFlows.selectionProblem', 'selection.webhookPorts', selection.webhookPorts, 'array', true);
    if (selection.webhookFlows === false && selection.controlPlaneTraffic?.value === ControlPlaneTraffic.ALL_TCP.value) {
      return 'controlPlaneTraffic ALL_TCP opens every TCP port, webhook ports included, but webhookFlows: false asks to leave the webhook ports out; '
        + 'use ControlPlaneTraffic.NARROW with webhookFlows: false, or drop webhookFlows: false';
    }
    const ports = selection.webhookPorts ?? [];
    const bad = ports.find((p) => !Number.isInteger(p) || p < 1 || p > 65535 || CORE_CONTROL_PLANE_PORTS.includes(p));
    if (bad !== undefined) {
      return `webhook port ${bad} is ${CORE_CONTROL_PLANE_PORTS.includes(bad) ? 'already a core flow (ControlPlaneToNodesHttps or ControlPlaneToNodesKubelet)' : 'not a whole number from 1 to 65535'}; `
        + 'remove it from the webhook ports';
    }
    const duplicate = ports.find((p, i) => ports.indexOf(p) !== i);
    return duplicate === undefined ? undefined : `webhook port ${duplicate} is listed twice; list each port once`;
  }

  /** The flow `ControlPlaneToNodesWebhook<port>`: the table's row for that port, or a new one with `reason`. */
  public static webhookFlow(port: number, reason?: string): RequiredFlow {
    requireArgument('RequiredFlows.webhookFlow', 'port', port, 'number');
    requireArgument('RequiredFlows.webhookFlow', 'reason', reason, 'string', true);
    const row = TABLE.find((f) => f.category === WEBHOOK && f.fromPort === port);
    return row ?? flow(`ControlPlaneToNodesWebhook${port}`, CP, NODES, TCP, [port, port], WEBHOOK,
      reason ?? `API server to a webhook served on ${port} (webhookPorts).`);
  }

  /** The flow `ApiAccessFrom<cidr>`: Kubernetes API clients in `cidr` to the control plane on TCP 443 (`SafeCluster.allowApiAccessFrom`). */
  public static apiAccessFromCidr(cidr: string): RequiredFlow {
    requireArgument('RequiredFlows.apiAccessFromCidr', 'cidr', cidr, 'string');
    return { ...apiAccess(cidr), peerCidr: cidr };
  }

  /**
   * The flow `ApiAccessFrom<name>`: Kubernetes API clients in the security group `groupId` to the
   * control plane on TCP 443 (`SafeCluster.allowApiAccessFrom`).
   *
   * @param name the group's unique construct ID, which names the flow
   * @param groupId the group's ID
   */
  public static apiAccessFromGroup(name: string, groupId: string): RequiredFlow {
    requireArgument('RequiredFlows.apiAccessFromGroup', 'name', name, 'string');
    requireArgument('RequiredFlows.apiAccessFromGroup', 'groupId', groupId, 'string');
    return { ...apiAccess(name), peerGroup: groupId };
  }

  /**
   * The flow `NodePort<port>From<name>`: a load balancer with the security group `groupId` to the pods on
   * TCP `port` (`SafeCluster.allowNodePortsFrom`).
   *
   * @param name the balancer group's unique construct ID, which names the flow
   */
  public static nodePortFrom(port: number, name: string, groupId: string): RequiredFlow {
    requireArgument('RequiredFlows.nodePortFrom', 'port', port, 'number');
    requireArgument('RequiredFlows.nodePortFrom', 'name', name, 'string');
    requireArgument('RequiredFlows.nodePortFrom', 'groupId', groupId, 'string');
    return {
      ...flow(`NodePort${port}From${name}`, FlowRole.LOAD_BALANCER, NODES, TCP, [port, port], FlowCategory.EXTENSION,
        `Load balancer ${name} to pods on ${port} (allowNodePortsFrom).`),
      peerGroup: groupId,
    };
  }

  /**
   * The flow `KubectlProviderToApi[<name>]`: the kubectl provider Lambda, in the security group `groupId`,
   * to the control plane on TCP 443.
   *
   * @param name the unique construct ID of a group given for the Lambda, which names the flow; none for
   *   the group the cluster creates for the Lambda (the flow `KubectlProviderToApi`)
   */
  public static kubectlProviderToApi(groupId: string, name?: string): RequiredFlow {
    requireArgument('RequiredFlows.kubectlProviderToApi', 'groupId', groupId, 'string');
    requireArgument('RequiredFlows.kubectlProviderToApi', 'name', name, 'string', true);
    return {
      ...flow(`KubectlProviderToApi${name ?? ''}`, FlowRole.API_CLIENT, CP, TCP, [443, 443], FlowCategory.EXTENSION,
        'The kubectl provider Lambda to the Kubernetes API.'),
      peerGroup: groupId,
    };
  }

  /** `443`, `53`, `1025-65535`, `all` or `type 3 code 4`: how the README and reports print a flow's ports. */
  public static formatPorts(flow: RequiredFlow): string {
    requireArgument('RequiredFlows.formatPorts', 'flow', flow, 'object');
    return RequiredFlows.formatProtocolPorts(flow.protocol, flow.fromPort, flow.toPort);
  }

  /** Ports as printed for a protocol: ICMP flows carry type and code, protocol `-1` (or `all`) every port. */
  public static formatProtocolPorts(protocol: string, fromPort: number, toPort: number): string {
    requireArgument('RequiredFlows.formatProtocolPorts', 'protocol', protocol, 'string');
    requireArgument('RequiredFlows.formatProtocolPorts', 'fromPort', fromPort, 'number');
    requireArgument('RequiredFlows.formatProtocolPorts', 'toPort', toPort, 'number');
    if (protocol === ALL || protocol === 'all') return 'all';
    if (protocol === ICMP) return `type ${fromPort} code ${toPort}`;
    return formatPorts(fromPort, toPort);
  }

  private constructor() {}
}

