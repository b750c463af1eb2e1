import { checkEvaluationOptions, checkStackTemplates, requireArgument } from './argument-checks';
import { checkPair, FlowSpec, formatFlowPorts } from './flow-evaluation';
import { findingId, Findings, flowFinding } from './findings';
import { UNRESOLVED_PEER } from './intent';
import { ClusterAttachment, Endpoint, NetworkReader, NetworkSnapshot, PeerAttachment, SgRule, Workload } from './network';
import { FlowCategory, FlowRole, RequiredFlow, RequiredFlows } from './required-flows';
import { StackTemplate } from './stack-template';
import { TemplateReader } from './template-reader';
import { describeTraffic, normaliseProtocol } from './traffic';
import { WorkloadKind } from './workloads';

/** Which flows `FlowModel.evaluate` proves. */
export interface FlowEvaluationOptions {
  /**
   * `false` leaves the webhook flows (control plane to nodes on 4443, 6443, 8443, 9443, 10251) out of every
   * cluster's requirement. Only needed for clusters built without this library: a `SafeCluster` records the
   * flows it requires in its template, and that record is what is proven.
   *
   * @default true - each cluster's recorded flows, or the whole table for a cluster that records none
   */
  readonly webhookFlows?: boolean;
  /**
   * Only these clusters, as `<stack>/<logical ID>` of their `AWS::EKS::Cluster`.
   *
   * @default - every cluster of the assembly
   */
  readonly clusters?: string[];
}

/** A rule a flow holds through, and where it is written. */
export interface FlowRuleReference {
  /** Stack the rule is written in (nested stacks as `<parent>/<logical ID>`). */
  readonly stack: string;
  /** Logical ID of the rule resource, or of the group that carries the rule inline. */
  readonly logicalId: string;
  /**
   * Where in the group an inline rule sits, e.g. `SecurityGroupIngress[0]`.
   *
   * @default - a standalone rule resource
   */
  readonly inlineAt?: string;
  /** `ingress` or `egress`. */
  readonly direction: string;
  /** Key of the group the rule is on (`<stack>/<logical ID>`). */
  readonly group: string;
  /** True when the rule is on the EKS-created group or names it as peer: an upgrade can take it away. */
  readonly onEksCreatedGroup: boolean;
  /** One line: protocol, ports, peer, and for rules no template states, where they come from. */
  readonly summary: string;
}

/** A group-to-group edge of a flow: the peer the destination's ingress rule trusts, to that rule's group. */
export interface FlowEdge {
  /** Group key, or `cidr:<block>` for a CIDR peer. */
  readonly from: string;
  /** Group key of the group that admits the traffic. */
  readonly to: string;
  /** True when the edge exists through a rule on, or naming, the EKS-created group. */
  readonly onEksCreatedGroup: boolean;
}

/** The verdict on one required flow of one cluster, before and after the incident replay. */
export interface FlowCheck {
  /** The cluster, as `<stack>/<logical ID>` of its `AWS::EKS::Cluster`. */
  readonly cluster: string;
  /** Flow ID from the required-flow table, or `NodesToDatabase`, `NodesToCache`, `LoadBalancerToNodes`. */
  readonly flowId: string;
  readonly source: FlowRole;
  readonly destination: FlowRole;
  /** Which of the cluster's workloads the flow is proven for (`nodes` for node groups and self-managed nodes). */
  readonly workload: WorkloadKind;
  /** What opens the connection, e.g. `control plane of Stack/Cluster` or a data store. */
  readonly sourceLabel: string;
  /** What accepts it. */
  readonly destinationLabel: string;
  /** `tcp`, `udp`, `icmp` or `all`. */
  readonly protocol: string;
  /** `443`, `1025-65535`, `all`, or `type 3 code 4` for ICMP. */
  readonly ports: string;
  /** The flow holds with the rules as synthesized. */
  readonly allowedBefore: boolean;
  /** The flow still holds once every rule on, or naming, the EKS-created group is gone. */
  readonly allowedAfterReplay: boolean;
  /** The rules the flow holds through as synthesized (empty when it does not hold). */
  readonly restsOn: FlowRuleReference[];
  /** Group-to-group edges of the flow as synthesized. */
  readonly edges: FlowEdge[];
  /**
   * What is missing as synthesized: the groups and the rule to add.
   *
   * @default - nothing is missing
   */
  readonly problem?: string;
  /**
   * What is missing after the replay.
   *
   * @default - nothing is missing after the replay
   */
  readonly replayProblem?: string;
  /**
   * The rules to add so the flow holds through owned groups alone.
   *
   * @default - the flow holds before and after the replay
   */
  readonly fix?: string;
  /** The catalogue ID a failure of this flow is reported and acknowledged under. */
  readonly findingId: string;
  /**
   * Why the cluster's author accepted this flow failing (recorded in the cluster's intent).
   *
   * @default - not acknowledged
   */
  readonly acknowledged?: string;
}

/** A cluster about which nothing could be proven: zero flows is not a pass. */
export interface UnprovenCluster {
  /** The cluster, as `<stack>/<logical ID>`. */
  readonly cluster: string;
  /** Why nothing could be proven. */
  readonly reason: string;
  /** The catalogue ID it is reported and acknowledged under. */
  readonly findingId: string;
  /**
   * Why the cluster's author accepted it (recorded in the cluster's intent).
   *
   * @default - not acknowledged
   */
  readonly acknowledged?: string;
}

/** How many clusters were proven, failed, or could not be proven. */
export interface ClusterCounts {
  /** Every flow holds before and after the replay (or is acknowledged). */
  readonly proven: number;
  /** Some flow fails and is not acknowledged. */
  readonly failing: number;
  /** No flow fails, but nothing about the cluster's workloads could be proven (not acknowledged). */
  readonly unproven: number;
}

/** A security group that appears in the report. */
export interface FlowGroup {
  /** `<stack>/<logical ID>`, `<stack>/<cluster>#ClusterSecurityGroupId` for EKS-created groups, or a literal ID. */
  readonly key: string;
  /** The EKS-created cluster security group. */
  readonly eksCreated: boolean;
  /**
   * For an EKS-created group: the cluster that created it, as `<stack>/<logical ID>`.
   *
   * @default - not an EKS-created group
   */
  readonly eksCluster?: string;
  /** False when the assembly only references the group (an ID or parameter): its rules are unknown. */
  readonly declared: boolean;
}

/** Result of `FlowModel.evaluate`. */
export interface ConnectivityReport {
  /** Every flow of every cluster, in cluster order then table order. */
  readonly flows: FlowCheck[];
  /** Every group some flow involves. */
  readonly groups: FlowGroup[];
  /** Clusters about which nothing could be proven, with the reason. */
  readonly unproven: UnprovenCluster[];
  /** Clusters proven, failing and unproven. */
  readonly counts: ClusterCounts;
  /** What the model could not read or follow; each is one line. */
  readonly warnings: string[];
  /** True when every flow holds before and after the replay and every cluster was proven (acknowledged findings excepted). */
  readonly passed: boolean;
}

/** What a managed node group's launch template puts on its nodes (`FlowModel.nodegroupSecurityGroups`). */
export interface NodegroupSecurityGroups {
  /** The node group names a launch template; without one EKS puts the group it created on the nodes. */
  readonly hasLaunchTemplate: boolean;
  /** The launch template is in the assembly; when it is not, `groups` is empty and what the nodes carry is unknown. */
  readonly launchTemplateFound: boolean;
  /** Keys of the groups the launch template names; empty when it names none (EKS then attaches the group it created). */
  readonly groups: string[];
  /** One of `groups` is the EKS-created group. */
  readonly carriesEksCreatedGroup: boolean;
}

/** The security groups of a database or cache and what they admit (`FlowModel.dataStoreSecurityGroups`). */
export interface DataStoreSecurityGroups {
  /** Keys of the groups on the store's interfaces. */
  readonly groups: string[];
  /** One of `groups` is the EKS-created group. */
  readonly carriesEksCreatedGroup: boolean;
  /** Keys of the groups that ingress rules written on the store's groups trust (EKS's implicit defaults excluded). */
  readonly admittedGroups: string[];
  /** One of `admittedGroups` is the EKS-created group. */
  readonly admitsEksCreatedGroup: boolean;
}

interface Check {
  readonly id: string;
  readonly source: FlowRole;
  readonly destination: FlowRole;
  readonly workload: WorkloadKind;
  readonly spec: FlowSpec;
  readonly pairs: Array<[Endpoint, Endpoint]>;
  readonly sourceLabel: string;
  readonly destinationLabel: string;
}

/** Workloads whose interfaces run pods, so every flow of the table applies to them. */
const POD_CARRYING: ReadonlySet<WorkloadKind> = new Set([WorkloadKind.NODES, WorkloadKind.AUTO_MODE_NODES, WorkloadKind.FARGATE_PODS]);
const WORKLOAD_LABELS: { readonly [kind: string]: string } = {
  [WorkloadKind.NODES]: 'nodes', [WorkloadKind.AUTO_MODE_NODES]: 'Auto Mode nodes',
  [WorkloadKind.FARGATE_PODS]: 'Fargate pods', [WorkloadKind.VPC_LAMBDA]: 'Lambda API clients',
};
const UNPROVEN_REASON = 'no node group, self-managed nodes (tagged kubernetes.io/cluster/<name>), Auto Mode or Fargate profile of this cluster '
  + 'in the assembly, and no recorded node security group: no flow of its workloads could be proven';

/**
 * Security groups, their rules and what they are attached to, for every stack of a cloud assembly,
 * read from CloudFormation alone (no construct tree, no AWS calls). `evaluate()` proves each required
 * flow of each EKS cluster, and replays the 2021-01-11 incident: the same flows with every rule of the
 * EKS-created cluster security group gone.
 *
 * Entry point for every check of this library: the synth-time validation, `ConnectivityChecks`, the
 * `cdk-safe-eks verify` CLI, and cross-resource nag rules.
 */
export class FlowModel {
  /**
   * Reads `manifest.json` and every stack template (nested stages and nested stacks included) in
   * `directory`. Throws an error `SafeEksErrors.isSafeEksError` recognises (`AssemblyDirectory`,
   * `NotACloudAssembly`, `AssemblyManifest`) when the directory or its manifest cannot be read; a
   * broken template becomes a warning.
   */
  public static fromAssemblyDirectory(directory: string): FlowModel {
    requireArgument('FlowModel.fromAssemblyDirectory', 'directory', directory, 'string');
    return FlowModel._fromReader(TemplateReader.fromAssemblyDirectory(directory));
  }

  /** Builds the model from templates already in memory; exports, imports and nested stacks are matched by name. */
  public static fromTemplates(templates: StackTemplate[]): FlowModel {
    checkStackTemplates(templates);
    return FlowModel._fromReader(TemplateReader.fromTemplates(templates));
  }

  /**
   * Builds the model from any reader of security groups and attachments (templates now; live rules later).
   * @internal
   */
  public static _fromReader(reader: NetworkReader): FlowModel {
    return new FlowModel(reader.read());
  }

  /** Lines describing what could not be read or followed, in the order they were found. */
  public readonly warnings: string[];

  private constructor(private readonly network: NetworkSnapshot) {
    this.warnings = [...network.warnings];
  }

  /** Clusters of the assembly, as `<stack>/<logical ID>` of their `AWS::EKS::Cluster`. */
  public get clusters(): string[] {
    return this.network.attachments.clusters.map((c) => c.key);
  }

  /**
   * Keys of the owned groups that managed node groups' launch templates put on nodes, across the
   * assembly (node groups whose cluster is elsewhere included; EKS-created groups excluded).
   */
  public get nodegroupGroups(): string[] {
    const groups = [...this.network.attachments.nodegroups.values()].flatMap((n) => n.groups ?? []);
    return [...new Set(groups)].filter((k) => !this.network.groups.isEksCreated(k));
  }

  /**
   * True when the security group, ingress or egress resource `resource` (`<stack>/<logical ID>`)
   * writes a rule on, or naming, the EKS-created group: a rule the incident replay removes.
   */
  public writesEksCreatedGroupRule(resource: string): boolean {
    return this.network.eksCreatedRuleWriters.has(resource);
  }

  /**
   * Why a list of the groups or rules of `resource` (`<stack>/<logical ID>`) is not known at synth time
   * (e.g. `Fn::Split` of a parameter), so checks on it cannot be trusted.
   *
   * @returns undefined when every such list of the resource could be read
   */
  public unreadableReason(resource: string): string | undefined {
    return this.network.unreadable.get(resource);
  }

  /**
   * The launch-template groups of the managed node group `nodegroup` (`<stack>/<logical ID>`).
   *
   * @returns undefined when the assembly has no such `AWS::EKS::Nodegroup`
   */
  public nodegroupSecurityGroups(nodegroup: string): NodegroupSecurityGroups | undefined {
    const template = this.network.attachments.nodegroups.get(nodegroup);
    if (template === undefined) return undefined;
    const groups = [...template.groups ?? []];
    return {
      hasLaunchTemplate: template.hasLaunchTemplate, launchTemplateFound: template.groups !== undefined,
      groups, carriesEksCreatedGroup: groups.some((k) => this.network.groups.isEksCreated(k)),
    };
  }

  /**
   * The groups of the database or cache `store` (`<stack>/<logical ID>`) and the groups they admit.
   *
   * @returns undefined when the assembly has no such data store
   */
  public dataStoreSecurityGroups(store: string): DataStoreSecurityGroups | undefined {
    const groups = this.network.attachments.dataStoreGroups.get(store);
    if (groups === undefined) return undefined;
    const admitted = [...new Set(groups.flatMap((k) => [...this.network.ingressPeers.get(k) ?? []]))];
    const isEksCreated = (k: string) => this.network.groups.isEksCreated(k);
    return {
      groups: [...groups], carriesEksCreatedGroup: groups.some(isEksCreated),
      admittedGroups: admitted, admitsEksCreatedGroup: admitted.some(isEksCreated),
    };
  }

  /** The template file of a stack, when the model was read from disk. */
  public templatePathOf(stack: string): string | undefined {
    return this.network.sources.get(stack);
  }

  /** Proves every required flow of every cluster, before and after the incident replay. */
  public evaluate(options: FlowEvaluationOptions = {}): ConnectivityReport {
    checkEvaluationOptions(options);
    const warnings = [...this.warnings];
    const flows: FlowCheck[] = [];
    const unproven: UnprovenCluster[] = [];
    let failing = 0;
    const clusters = this.network.attachments.clusters.map(withKarpenterNodes).filter((c) => options.clusters === undefined || options.clusters.includes(c.key));
    for (const cluster of clusters) {
      const acknowledged = new Map((cluster.intent?.acknowledgements ?? []).map((a) => [a.id, a.reason]));
      const checks = this.checksOf(cluster, options, warnings).filter((c) => c.pairs.length > 0);
      const results = checks.map((check) => this.run(cluster, check, acknowledged));
      flows.push(...results);
      if (results.some((f) => !isSettled(f))) failing++;
      if (!cluster.workloads.some((w) => POD_CARRYING.has(w.kind))) {
        const id = findingId(Findings.UNPROVEN);
        unproven.push({ cluster: cluster.key, reason: UNPROVEN_REASON, findingId: id, acknowledged: acknowledged.get(id) });
      }
    }
    const open = unproven.filter((u) => u.acknowledged === undefined);
    const unprovenCount = open.filter((u) => !flows.some((f) => f.cluster === u.cluster && !isSettled(f))).length;
    return {
      flows, groups: this.groupsOf(flows), unproven, warnings,
      counts: { proven: clusters.length - failing - unprovenCount, failing, unproven: unprovenCount },
      passed: flows.every(isSettled) && open.length === 0,
    };
  }

  private checksOf(cluster: ClusterAttachment, options: FlowEvaluationOptions, warnings: string[]): Check[] {
    const required = (cluster.intent?.requiredFlows ?? RequiredFlows.all())
      .filter((flow) => options.webhookFlows !== false || flow.category !== FlowCategory.WEBHOOK);
    for (const flow of required.filter((f) => f.peerGroup === UNRESOLVED_PEER)) {
      warnings.push(`${cluster.key}: flow ${flow.id} names a peer group outside these templates; proven where the whole app is read (ConnectivityChecks, verify)`);
    }
    // A flow with no workload end (a client to the API) is proven once, under the nodes' finding ID.
    const kinds = [...new Set(cluster.workloads.map((w) => w.kind))];
    const perWorkload = (flow: RequiredFlow) => flow.source === FlowRole.NODES || flow.destination === FlowRole.NODES;
    return [
      ...(kinds.length > 0 ? kinds : [WorkloadKind.NODES]).flatMap((kind, i) => required
        .filter((flow) => perWorkload(flow) || i === 0)
        .map((flow) => this.tableCheck(cluster, flow, perWorkload(flow) ? kind : WorkloadKind.NODES))),
      ...this.network.attachments.dataStores.flatMap((store) => this.dataStoreChecks(cluster, store, warnings)),
      ...this.network.attachments.loadBalancers.flatMap((lb) => this.loadBalancerChecks(cluster, lb)),
    ];
  }

  private groupsOf(flows: FlowCheck[]): FlowGroup[] {
    const keys = new Set(flows.flatMap((f) => f.edges.flatMap((e) => [e.from, e.to])));
    return [...keys].map((key) => this.network.groups.get(key)).filter((g) => g !== undefined).map((g) => ({
      key: g.key, eksCreated: g.ref.isEksCreated, eksCluster: g.ref.eksCluster, declared: g.declared,
    }));
  }

  private verdict(check: Check, replay: boolean) {
    const results = check.pairs.map(([s, d]) => ({ pair: [s, d], result: checkPair(this.network.groups, check.spec, s, d, replay) }));
    const failed = results.find((r) => !r.result.allowed);
    const multiple = check.pairs.length > 1;
    return {
      allowed: failed === undefined,
      rules: [...new Set(results.flatMap((r) => r.result.allowed ? r.result.rules : []))],
      problem: failed && `${multiple ? `${failed.pair[0].label} -> ${failed.pair[1].label}: ` : ''}${failed.result.problem}`,
      fix: failed?.result.fix,
    };
  }

  private run(cluster: ClusterAttachment, check: Check, acknowledged: ReadonlyMap<string, string>): FlowCheck {
    const before = this.verdict(check, false);
    const after = this.verdict(check, true);
    const eksCreatedRules = before.rules.filter((r) => this.network.groups.dependsOnEksCreated(r));
    const id = flowFindingId(check, before.allowed);
    return {
      cluster: cluster.key, flowId: check.id, source: check.source, destination: check.destination, workload: check.workload,
      sourceLabel: check.sourceLabel, destinationLabel: check.destinationLabel,
      protocol: check.spec.protocol, ports: formatFlowPorts(check.spec),
      allowedBefore: before.allowed,
      allowedAfterReplay: after.allowed,
      restsOn: before.allowed ? before.rules.map((r) => this.reference(r)) : [],
      edges: before.allowed ? this.edges(before.rules) : [],
      problem: before.allowed ? undefined : before.problem,
      replayProblem: after.allowed ? undefined : before.allowed
        ? `rests on the EKS-created group (${eksCreatedRules.map((r) => ruleName(r)).join(', ')}); after the replay ${after.problem}`
        : after.problem,
      fix: before.fix ?? after.fix,
      findingId: id,
      acknowledged: before.allowed && after.allowed ? undefined : acknowledged.get(id),
    };
  }

  // A store is meant to be reached by a cluster when one of its ingress rules trusts a group on that
  // cluster's workloads or the EKS-created group, or when one of those groups has an egress rule to the
  // store's group (so that half a pair of rules, the other half lost, is still a flow that must hold);
  // then every workload of each kind that carries such a group (for node groups: or all of them, if
  // none does) must reach it on the store's port.
  private dataStoreChecks(cluster: ClusterAttachment, store: PeerAttachment, warnings: string[]): Check[] {
    const clusterGroups = new Set([cluster.eksCreatedGroup, ...cluster.workloads.flatMap((w) => w.groups)]);
    const naming = store.groups.flatMap((k) => this.network.groups.get(k)?.ingress ?? [])
      .filter((r) => r.peerGroup !== undefined && clusterGroups.has(r.peerGroup));
    const storeGroups = new Set(store.groups);
    const egressTo = [...clusterGroups].flatMap((k) => this.network.groups.get(k)?.egress ?? [])
      .filter((r) => r.peerGroup !== undefined && storeGroups.has(r.peerGroup));
    if (naming.length + egressTo.length === 0 || cluster.workloads.length === 0) return [];
    const named = new Set([...naming.map((r) => r.peerGroup), ...egressTo.map((r) => r.group)]);
    const port = store.port ?? (naming[0] ?? egressTo[0]).fromPort;
    if (store.port === undefined) {
      warnings.push(`${store.label}: port not stated and engine unknown; the flow is checked on port ${port} of its first rule`);
    }
    return [...new Set(cluster.workloads.map((w) => w.kind))].flatMap((kind) => {
      const ofKind = cluster.workloads.filter((w) => w.kind === kind);
      const reaching = ofKind.filter((w) => w.groups.some((g) => named.has(g)));
      const sources = reaching.length > 0 || kind !== WorkloadKind.NODES ? reaching : ofKind;
      return sources.length === 0 ? [] : [{
        id: store.role === FlowRole.DATABASE ? RequiredFlows.NODES_TO_DATABASE : RequiredFlows.NODES_TO_CACHE,
        source: FlowRole.NODES, destination: store.role, workload: kind, spec: { protocol: 'tcp', fromPort: port, toPort: port },
        pairs: sources.map((w): [Endpoint, Endpoint] => [w, store]), sourceLabel: WORKLOAD_LABELS[kind], destinationLabel: store.label,
      }];
    });
  }

  // Each distinct port range a workload admits from a load balancer's group is one flow.
  private loadBalancerChecks(cluster: ClusterAttachment, lb: PeerAttachment): Check[] {
    const targets = cluster.workloads.filter((w) => POD_CARRYING.has(w.kind));
    const ranges = new Map<string, { rule: SgRule; kind: WorkloadKind }>();
    for (const w of targets) {
      for (const r of w.groups.flatMap((k) => this.network.groups.get(k)?.ingress ?? [])) {
        if (r.peerGroup !== undefined && lb.groups.includes(r.peerGroup)) ranges.set(`${w.kind}:${r.protocol}:${r.fromPort}:${r.toPort}`, { rule: r, kind: w.kind });
      }
    }
    return [...ranges.values()].map(({ rule, kind }) => ({
      id: RequiredFlows.LOAD_BALANCER_TO_NODES, source: FlowRole.LOAD_BALANCER, destination: FlowRole.NODES, workload: kind,
      spec: { protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort },
      pairs: targets.filter((w) => w.kind === kind && w.groups.includes(rule.group)).map((w): [Endpoint, Endpoint] => [lb, w]),
      sourceLabel: lb.label, destinationLabel: WORKLOAD_LABELS[kind],
    }));
  }

  // Lambda clients only call the API; pod-carrying workloads need every flow, also with the other pod-carrying
  // workloads. A VPC source is its addresses; an extension's peer is a CIDR or a group the cluster recorded
  // (only ingress is proven when that group's rules are not in the assembly).
  private tableCheck(cluster: ClusterAttachment, flow: RequiredFlow, kind: WorkloadKind): Check {
    const peer = this.peerEndpoint(flow);
    const ofKind = cluster.workloads.filter((w) => w.kind === kind);
    const applies = POD_CARRYING.has(kind) || (flow.source === FlowRole.NODES && flow.destination === FlowRole.CONTROL_PLANE);
    const others = kind === WorkloadKind.NODES ? [] : cluster.workloads.filter((w) => w.kind !== kind && POD_CARRYING.has(w.kind));
    const endpoints = (role: FlowRole): Workload[] | Endpoint[] => {
      if (role === FlowRole.CONTROL_PLANE) return [cluster.controlPlane];
      if (role === FlowRole.NODES) return ofKind;
      return peer === undefined ? [] : [peer];
    };
    const pairs: Array<[Endpoint, Endpoint]> = [];
    if (applies) for (const s of endpoints(flow.source)) for (const d of endpoints(flow.destination)) pairs.push([s, d]);
    if (applies && flow.source === FlowRole.NODES && flow.destination === FlowRole.NODES) {
      for (const w of ofKind) for (const o of others) pairs.push([w, o], [o, w]);
    }
    const label = (role: FlowRole) => role === FlowRole.CONTROL_PLANE ? cluster.controlPlane.label
      : role === FlowRole.NODES ? WORKLOAD_LABELS[kind] : peer?.label ?? role;
    const sourceAddresses = flow.source === FlowRole.VPC ? cluster.intent?.vpcCidr ?? 'vpc' : flow.peerCidr;
    const ingressOnly = flow.peerGroup !== undefined && !(this.network.groups.get(flow.peerGroup)?.declared ?? false);
    return {
      id: flow.id, source: flow.source, destination: flow.destination, workload: kind,
      spec: {
        protocol: normaliseProtocol(flow.protocol) ?? flow.protocol, fromPort: flow.fromPort, toPort: flow.toPort,
        ...(sourceAddresses !== undefined ? { sourceAddresses } : {}), ...(ingressOnly ? { ingressOnly } : {}),
      },
      pairs, sourceLabel: label(flow.source), destinationLabel: label(flow.destination),
    };
  }

  private peerEndpoint(flow: RequiredFlow): Endpoint | undefined {
    if (flow.source === FlowRole.VPC) return { label: 'the VPC', groups: [] };
    if (flow.peerCidr !== undefined) return { label: `${flow.source} ${flow.peerCidr}`, groups: [] };
    if (flow.peerGroup !== undefined && flow.peerGroup !== UNRESOLVED_PEER) return { label: `${flow.source} ${flow.peerGroup}`, groups: [flow.peerGroup] };
    return undefined;
  }

  private reference(rule: SgRule): FlowRuleReference {
    return {
      stack: rule.stackId, logicalId: rule.logicalId, inlineAt: rule.inlineAt, direction: rule.direction, group: rule.group,
      onEksCreatedGroup: this.network.groups.dependsOnEksCreated(rule), summary: ruleName(rule),
    };
  }

  private edges(rules: SgRule[]): FlowEdge[] {
    const edges = new Map<string, FlowEdge>();
    for (const rule of rules.filter((r) => r.direction === 'ingress')) {
      const from = rule.peerGroup ?? `cidr:${rule.peerCidr}`;
      edges.set(`${from}>${rule.group}`, { from, to: rule.group, onEksCreatedGroup: this.network.groups.dependsOnEksCreated(rule) });
    }
    return [...edges.values()];
  }
}

/** Nodes Karpenter launches are in no template: the cluster's recorded owned node group stands for them. */
function withKarpenterNodes(cluster: ClusterAttachment): ClusterAttachment {
  const group = cluster.intent?.karpenterNodeGroup;
  if (group === undefined) return cluster;
  return { ...cluster, workloads: [...cluster.workloads, { kind: WorkloadKind.NODES, label: `Karpenter nodes on ${group}`, groups: [group] }] };
}

/** Holds before and after the replay, or its failure is acknowledged. */
function isSettled(flow: FlowCheck): boolean {
  return (flow.allowedBefore && flow.allowedAfterReplay) || flow.acknowledged !== undefined;
}

/** The catalogue ID of a flow's failure: EDS1 for a data store reachable only through the EKS-created group, EFL1 otherwise. */
function flowFindingId(check: Check, allowedBefore: boolean): string {
  const dataStore = check.destination === FlowRole.DATABASE || check.destination === FlowRole.CACHE;
  if (dataStore && allowedBefore) return findingId(Findings.DATA_STORE, 'ReachableOnlyThroughClusterSecurityGroup');
  return findingId(Findings.FLOW, flowFinding(check.id, check.workload));
}

function ruleName(rule: SgRule): string {
  const where = `${rule.stackId}/${rule.logicalId}${rule.inlineAt ? ` ${rule.inlineAt}` : ''}`;
  const peer = rule.peerGroup ?? rule.peerCidr;
  return `${where} (${rule.direction} ${describeTraffic(rule.protocol, rule.fromPort, rule.toPort)} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peer}${rule.implicit ? `; ${rule.implicit}` : ''})`;
}
