import { Attachments, ClusterAttachment, Endpoint, PeerAttachment, readAttachments } from './attachments';
import { CfnResolver, CfnTemplate, LoadedStack } from './cfn-resolver';
import { loadAssembly } from './cloud-assembly';
import { checkPair, dependsOnVendor, FlowSpec, formatFlowPorts, formatRange } from './flow-evaluation';
import { checkEvaluationOptions, checkStackTemplates, requireArgument } from './argument-checks';
import { UNRESOLVED_PEER } from './intent';
import { SecurityGroupGraph, SgRule } from './security-group-graph';
import { FlowCategory, FlowProtocol, FlowRole, RequiredFlow, RequiredFlows } from './required-flows';

/** One CloudFormation template handed to `FlowModel.fromTemplates`. */
export interface StackTemplate {
  /** Name of the stack; exports and imports are matched across all templates given together. */
  readonly stackName: string;
  /** The template as parsed JSON. */
  readonly template: { [key: string]: unknown };
  /**
   * File the template was read from, reported back in findings.
   *
   * @default - none
   */
  readonly templatePath?: string;
  /**
   * For a nested stack: the `stackName` of the parent.
   *
   * @default - a top-level stack
   */
  readonly parentStackName?: string;
  /**
   * For a nested stack: logical ID of the `AWS::CloudFormation::Stack` resource in the parent.
   *
   * @default - a top-level stack
   */
  readonly parentLogicalId?: string;
}

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
  readonly vendorManaged: boolean;
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
  readonly vendorManaged: boolean;
}

/** The verdict on one required flow of one cluster, before and after the incident replay. */
export interface FlowCheck {
  /** The cluster, as `<stack>/<logical ID>` of its `AWS::EKS::Cluster`. */
  readonly cluster: string;
  /** Flow ID from the required-flow table, or `NodesToDatabase`, `NodesToCache`, `LoadBalancerToNodes`. */
  readonly flowId: string;
  readonly source: FlowRole;
  readonly destination: FlowRole;
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
}

/** A security group that appears in the report. */
export interface FlowGroup {
  /** `<stack>/<logical ID>`, `<stack>/<cluster>#ClusterSecurityGroupId` for EKS-created groups, or a literal ID. */
  readonly key: string;
  /** The EKS-created cluster security group. */
  readonly vendorManaged: boolean;
  /** False when the assembly only references the group (an ID or parameter): its rules are unknown. */
  readonly declared: boolean;
}

/** Result of `FlowModel.evaluate`. */
export interface ConnectivityReport {
  /** Every flow of every cluster, in cluster order then table order. */
  readonly flows: FlowCheck[];
  /** Every group some flow involves. */
  readonly groups: FlowGroup[];
  /** What the model could not read or follow; each is one line. */
  readonly warnings: string[];
  /** True when every flow holds before and after the replay. */
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
  readonly carriesVendorGroup: boolean;
}

/** The security groups of a database or cache and what they admit (`FlowModel.dataStoreSecurityGroups`). */
export interface DataStoreSecurityGroups {
  /** Keys of the groups on the store's interfaces. */
  readonly groups: string[];
  /** One of `groups` is the EKS-created group. */
  readonly carriesVendorGroup: boolean;
  /** Keys of the groups that ingress rules written on the store's groups trust (EKS's implicit defaults excluded). */
  readonly admittedGroups: string[];
  /** One of `admittedGroups` is the EKS-created group. */
  readonly admitsVendorGroup: boolean;
}

interface Check {
  readonly id: string;
  readonly source: FlowRole;
  readonly destination: FlowRole;
  readonly spec: FlowSpec;
  readonly pairs: Array<[Endpoint, Endpoint]>;
  readonly sourceLabel: string;
  readonly destinationLabel: string;
}

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
   * `directory`. Throws `AssemblyError` when the directory or its manifest cannot be read; a broken
   * template becomes a warning.
   */
  public static fromAssemblyDirectory(directory: string): FlowModel {
    requireArgument('FlowModel.fromAssemblyDirectory', 'directory', directory, 'string');
    const assembly = loadAssembly(directory);
    return new FlowModel(assembly.stacks, assembly.warnings);
  }

  /** Builds the model from templates already in memory; exports, imports and nested stacks are matched by name. */
  public static fromTemplates(templates: StackTemplate[]): FlowModel {
    checkStackTemplates(templates);
    return new FlowModel(templates.map((t) => ({
      id: t.parentStackName !== undefined && t.parentLogicalId !== undefined ? `${t.parentStackName}/${t.parentLogicalId}` : t.stackName,
      template: t.template as CfnTemplate,
      templatePath: t.templatePath,
      parent: t.parentStackName !== undefined && t.parentLogicalId !== undefined
        ? { stackId: t.parentStackName, logicalId: t.parentLogicalId } : undefined,
    })), []);
  }

  /** Lines describing what could not be read or followed, in the order they were found. */
  public readonly warnings: string[];
  /** Template path per stack, for findings that point at a file. */
  private readonly templatePaths: Map<string, string | undefined>;
  private readonly graph: SecurityGroupGraph;
  private readonly attachments: Attachments;

  private constructor(stacks: LoadedStack[], warnings: string[]) {
    this.warnings = [...warnings];
    this.templatePaths = new Map(stacks.map((s) => [s.id, s.templatePath]));
    const resolver = new CfnResolver(stacks);
    this.graph = new SecurityGroupGraph(resolver, stacks, this.warnings);
    this.attachments = readAttachments(resolver, this.graph, stacks, this.warnings);
  }

  /** Clusters of the assembly, as `<stack>/<logical ID>` of their `AWS::EKS::Cluster`. */
  public get clusters(): string[] {
    return this.attachments.clusters.map((c) => c.key);
  }

  /**
   * Keys of the owned groups that managed node groups' launch templates put on nodes, across the
   * assembly (node groups whose cluster is elsewhere included; EKS-created groups excluded).
   */
  public get nodegroupGroups(): string[] {
    const groups = [...this.attachments.nodegroups.values()].flatMap((n) => n.groups ?? []);
    return [...new Set(groups)].filter((k) => !this.isVendorGroup(k));
  }

  /**
   * True when the security group, ingress or egress resource `resource` (`<stack>/<logical ID>`)
   * writes a rule on, or naming, the EKS-created group: a rule the incident replay removes.
   */
  public writesVendorGroupRule(resource: string): boolean {
    return this.graph.vendorRuleWriters.has(resource);
  }

  /**
   * Why a list of the groups or rules of `resource` (`<stack>/<logical ID>`) is not known at synth time
   * (e.g. `Fn::Split` of a parameter), so checks on it cannot be trusted.
   *
   * @returns undefined when every such list of the resource could be read
   */
  public unreadableReason(resource: string): string | undefined {
    return this.graph.unreadable.get(resource);
  }

  /**
   * The launch-template groups of the managed node group `nodegroup` (`<stack>/<logical ID>`).
   *
   * @returns undefined when the assembly has no such `AWS::EKS::Nodegroup`
   */
  public nodegroupSecurityGroups(nodegroup: string): NodegroupSecurityGroups | undefined {
    const template = this.attachments.nodegroups.get(nodegroup);
    if (template === undefined) return undefined;
    const groups = [...template.groups ?? []];
    return {
      hasLaunchTemplate: template.hasLaunchTemplate, launchTemplateFound: template.groups !== undefined,
      groups, carriesVendorGroup: groups.some((k) => this.isVendorGroup(k)),
    };
  }

  /**
   * The groups of the database or cache `store` (`<stack>/<logical ID>`) and the groups they admit.
   *
   * @returns undefined when the assembly has no such data store
   */
  public dataStoreSecurityGroups(store: string): DataStoreSecurityGroups | undefined {
    const groups = this.attachments.dataStoreGroups.get(store);
    if (groups === undefined) return undefined;
    const admitted = [...new Set(groups.flatMap((k) => [...this.graph.ingressPeers.get(k) ?? []]))];
    return {
      groups: [...groups], carriesVendorGroup: groups.some((k) => this.isVendorGroup(k)),
      admittedGroups: admitted, admitsVendorGroup: admitted.some((k) => this.isVendorGroup(k)),
    };
  }

  /** The template file of a stack, when the model was read from disk. */
  public templatePathOf(stack: string): string | undefined {
    return this.templatePaths.get(stack);
  }

  /** Proves every required flow of every cluster, before and after the incident replay. */
  public evaluate(options: FlowEvaluationOptions = {}): ConnectivityReport {
    checkEvaluationOptions(options);
    const warnings = [...this.warnings];
    const flows: FlowCheck[] = [];
    for (const cluster of this.attachments.clusters.map(withKarpenterNodes)) {
      if (options.clusters !== undefined && !options.clusters.includes(cluster.key)) continue;
      if (cluster.nodePools.length === 0) {
        warnings.push(`${cluster.key}: no node group or tagged Auto Scaling group in the assembly; only data-store and load-balancer flows are evaluated`);
      }
      const required = (cluster.intent?.requiredFlows ?? RequiredFlows.all())
        .filter((flow) => options.webhookFlows !== false || flow.category !== FlowCategory.WEBHOOK);
      const checks = [
        ...required.map((flow) => this.tableCheck(cluster, flow, warnings)),
        ...this.attachments.dataStores.flatMap((store) => this.dataStoreCheck(cluster, store, warnings)),
        ...this.attachments.loadBalancers.flatMap((lb) => this.loadBalancerChecks(cluster, lb)),
      ];
      for (const check of checks) {
        if (check.pairs.length > 0) flows.push(this.run(cluster, check));
      }
    }
    const groupKeys = new Set(flows.flatMap((f) => f.edges.flatMap((e) => [e.from, e.to])));
    const groups = [...groupKeys].filter((k) => this.graph.groups.has(k)).map((key) => {
      const g = this.graph.groups.get(key)!;
      return { key, vendorManaged: g.vendorManaged, declared: g.declared };
    });
    return { flows, groups, warnings, passed: flows.every((f) => f.allowedBefore && f.allowedAfterReplay) };
  }

  private isVendorGroup(key: string): boolean {
    return this.graph.groups.get(key)?.vendorManaged ?? false;
  }

  private run(cluster: ClusterAttachment, check: Check): FlowCheck {
    const evaluate = (replay: boolean) => {
      const results = check.pairs.map(([s, d]) => ({ pair: [s, d], result: checkPair(this.graph, check.spec, s, d, replay) }));
      const failed = results.find((r) => !r.result.allowed);
      const multiple = check.pairs.length > 1;
      return {
        allowed: failed === undefined,
        rules: [...new Set(results.flatMap((r) => r.result.allowed ? r.result.rules : []))],
        problem: failed && `${multiple ? `${failed.pair[0].label} -> ${failed.pair[1].label}: ` : ''}${failed.result.problem}`,
        fix: failed?.result.fix,
      };
    };
    const before = evaluate(false);
    const after = evaluate(true);
    const vendorRules = before.rules.filter((r) => dependsOnVendor(this.graph, r));
    return {
      cluster: cluster.key,
      flowId: check.id,
      source: check.source,
      destination: check.destination,
      sourceLabel: check.sourceLabel,
      destinationLabel: check.destinationLabel,
      protocol: check.spec.protocol,
      ports: formatFlowPorts(check.spec),
      allowedBefore: before.allowed,
      allowedAfterReplay: after.allowed,
      restsOn: before.allowed ? before.rules.map((r) => this.reference(r)) : [],
      edges: before.allowed ? this.edges(before.rules) : [],
      problem: before.allowed ? undefined : before.problem,
      replayProblem: after.allowed ? undefined : before.allowed
        ? `rests on the EKS-created group (${vendorRules.map((r) => ruleName(r)).join(', ')}); after the replay ${after.problem}`
        : after.problem,
      fix: before.fix ?? after.fix,
    };
  }

  // A store is meant to be reached by a cluster when one of its ingress rules trusts a group on that
  // cluster's nodes or the EKS-created group; then every node pool that carries such a group (or all
  // pools, if none does) must reach it on the store's port.
  private dataStoreCheck(cluster: ClusterAttachment, store: PeerAttachment, warnings: string[]): Check[] {
    const clusterGroups = new Set([cluster.vendorGroup, ...cluster.nodePools.flatMap((p) => p.groups)]);
    const naming = store.groups.flatMap((k) => this.graph.groups.get(k)?.ingress ?? [])
      .filter((r) => r.peerGroup !== undefined && clusterGroups.has(r.peerGroup));
    if (naming.length === 0 || cluster.nodePools.length === 0) return [];
    const named = new Set(naming.map((r) => r.peerGroup));
    const pools = cluster.nodePools.filter((p) => p.groups.some((g) => named.has(g)));
    const port = store.port ?? naming[0].fromPort;
    if (store.port === undefined) {
      warnings.push(`${store.label}: port not stated and engine unknown; the flow is checked on port ${port} of its first rule`);
    }
    const spec: FlowSpec = { protocol: 'tcp', fromPort: port, toPort: port };
    const role = store.role;
    return [{
      id: role === FlowRole.DATABASE ? 'NodesToDatabase' : 'NodesToCache',
      source: FlowRole.NODES, destination: role, spec,
      pairs: (pools.length > 0 ? pools : cluster.nodePools).map((p) => [p, store]),
      sourceLabel: 'nodes', destinationLabel: store.label,
    }];
  }

  // Each distinct port range a node group admits from a load balancer's group is one flow.
  private loadBalancerChecks(cluster: ClusterAttachment, lb: PeerAttachment): Check[] {
    const rules = cluster.nodePools.flatMap((p) => p.groups).flatMap((k) => this.graph.groups.get(k)?.ingress ?? [])
      .filter((r) => r.peerGroup !== undefined && lb.groups.includes(r.peerGroup) && ['tcp', 'udp', 'all'].includes(r.protocol));
    const ranges = new Map<string, SgRule>();
    for (const r of rules) ranges.set(`${r.protocol}:${r.fromPort}:${r.toPort}`, r);
    return [...ranges.values()].map((r) => ({
      id: 'LoadBalancerToNodes', source: FlowRole.LOAD_BALANCER, destination: FlowRole.NODES,
      spec: { protocol: r.protocol === 'udp' ? 'udp' : 'tcp', fromPort: r.fromPort, toPort: r.toPort },
      pairs: cluster.nodePools.filter((p) => p.groups.includes(r.group)).map((p) => [lb, p]),
      sourceLabel: lb.label, destinationLabel: 'nodes',
    }));
  }

  // Control plane and node pools are the cluster's; a VPC source is its addresses; an extension's peer is
  // a CIDR or a group the cluster recorded (only ingress is proven when that group's rules are not in the assembly).
  private tableCheck(cluster: ClusterAttachment, flow: RequiredFlow, warnings: string[]): Check {
    const peer = this.peerEndpoint(flow);
    if (flow.peerGroup === UNRESOLVED_PEER) {
      warnings.push(`${cluster.key}: flow ${flow.id} names a peer group outside these templates; proven where the whole app is read (ConnectivityChecks, verify)`);
    }
    const endpoints = (role: FlowRole): Endpoint[] => {
      if (role === FlowRole.CONTROL_PLANE) return [cluster.controlPlane];
      if (role === FlowRole.NODES) return cluster.nodePools;
      return peer === undefined ? [] : [peer];
    };
    const pairs: Array<[Endpoint, Endpoint]> = [];
    for (const s of endpoints(flow.source)) for (const d of endpoints(flow.destination)) pairs.push([s, d]);
    const label = (role: FlowRole) => role === FlowRole.CONTROL_PLANE ? cluster.controlPlane.label
      : role === FlowRole.NODES ? 'nodes' : peer?.label ?? role;
    const sourceAddresses = flow.source === FlowRole.VPC ? cluster.intent?.vpcCidr ?? 'vpc' : flow.peerCidr;
    const ingressOnly = flow.peerGroup !== undefined && !(this.graph.groups.get(flow.peerGroup)?.declared ?? false);
    return {
      id: flow.id, source: flow.source, destination: flow.destination,
      spec: { protocol: specProtocol(flow.protocol), fromPort: flow.fromPort, toPort: flow.toPort, sourceAddresses, ingressOnly },
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
      vendorManaged: dependsOnVendor(this.graph, rule), summary: ruleName(rule),
    };
  }

  private edges(rules: SgRule[]): FlowEdge[] {
    const edges = new Map<string, FlowEdge>();
    for (const rule of rules.filter((r) => r.direction === 'ingress')) {
      const from = rule.peerGroup ?? `cidr:${rule.peerCidr}`;
      edges.set(`${from}>${rule.group}`, { from, to: rule.group, vendorManaged: dependsOnVendor(this.graph, rule) });
    }
    return [...edges.values()];
  }
}

/** Nodes Karpenter launches are in no template: the cluster's recorded owned node group stands for them. */
function withKarpenterNodes(cluster: ClusterAttachment): ClusterAttachment {
  const group = cluster.intent?.karpenterNodeGroup;
  if (group === undefined) return cluster;
  return { ...cluster, nodePools: [...cluster.nodePools, { label: `Karpenter nodes on ${group}`, groups: [group] }] };
}

function specProtocol(protocol: FlowProtocol): FlowSpec['protocol'] {
  switch (protocol) {
    case FlowProtocol.UDP: return 'udp';
    case FlowProtocol.ICMP: return 'icmp';
    case FlowProtocol.ALL: return 'all';
    default: return 'tcp';
  }
}

function ruleName(rule: SgRule): string {
  const where = `${rule.stackId}/${rule.logicalId}${rule.inlineAt ? ` ${rule.inlineAt}` : ''}`;
  const peer = rule.peerGroup ?? rule.peerCidr;
  const ports = rule.protocol === 'all' ? 'all traffic' : `${rule.protocol} ${formatRange(rule.fromPort, rule.toPort)}`;
  return `${where} (${rule.direction} ${ports} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peer}${rule.implicit ? `; ${rule.implicit}` : ''})`;
}
