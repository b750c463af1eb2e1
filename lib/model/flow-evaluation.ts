import { cidrContains, parseIpv4Cidr } from './cidr';
import { Endpoint, GroupIndex, SecurityGroupNode, SgRule } from './network';
import { ALL_PROTOCOLS, describeTraffic, RuleProtocol } from './traffic';
import { RequiredFlows } from './required-flows';

/**
 * One connection to prove: `protocol` on `fromPort`-`toPort` (ICMP: type and code; `all`: every
 * protocol and port), opened by the source endpoint.
 */
export interface FlowSpec {
  readonly protocol: RuleProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  /**
   * The source is addresses, not a security group: `vpc` for any address of the destination's VPC, or
   * an IPv4 CIDR. Only ingress is proven, and only rules whose CIDR contains those addresses count.
   */
  readonly sourceAddresses?: string;
  /** The source's groups are only referenced (their rules are unknown): only ingress is proven. */
  readonly ingressOnly?: boolean;
}

/** Whether a flow holds between two endpoints, the rules it holds through, or what is missing. */
export interface PairResult {
  readonly allowed: boolean;
  readonly rules: SgRule[];
  readonly problem?: string;
  /** The rules to add (and, for nodes on the EKS-created group only, the group to give them). */
  readonly fix?: string;
}

const ANY_IPV4 = parseIpv4Cidr('0.0.0.0/0')!;

/**
 * A flow holds when the source's groups together allow it out (egress) and the destination's groups
 * together let it in (ingress), over the whole port range. A peer matches when it is a group on the
 * other endpoint, or a CIDR that contains the whole VPC of the rule's group (0.0.0.0/0 always does):
 * the model does not know which address inside the VPC an interface gets, so a narrower CIDR cannot
 * prove anything. With `replay`, every rule on the EKS-created group and every rule that names it as
 * peer is gone, as in the 2021-01-11 incident; the group stays attached, it just allows nothing.
 */
export function checkPair(
  graph: GroupIndex, flow: FlowSpec, source: Endpoint, destination: Endpoint, replay: boolean,
): PairResult {
  const survives = (rule: SgRule) => !replay || !graph.dependsOnEksCreated(rule);
  const cidrMatches = (rule: SgRule) => flow.sourceAddresses === undefined || flow.sourceAddresses === 'vpc'
    ? cidrCoversVpc(rule.peerCidr, graph.get(rule.group))
    : cidrCovers(rule.peerCidr, flow.sourceAddresses);
  const matches = (rule: SgRule, peers: readonly string[]) => survives(rule)
    && protocolCovers(rule, flow)
    && (rule.peerGroup !== undefined ? peers.includes(rule.peerGroup) : cidrMatches(rule));
  const egress = flow.sourceAddresses !== undefined || flow.ingressOnly ? []
    : coverPreferringOwned(graph, groupsOf(graph, source).flatMap((g) => g.egress).filter((r) => matches(r, destination.groups)), flow);
  const ingress = coverPreferringOwned(graph, groupsOf(graph, destination).flatMap((g) => g.ingress).filter((r) => matches(r, source.groups)), flow);
  if (egress && ingress) return { allowed: true, rules: [...egress, ...ingress] };
  const what = flow.protocol === ALL_PROTOCOLS ? describeTraffic(flow.protocol, flow.fromPort, flow.toPort) : `${flow.protocol} ${formatFlowPorts(flow)}`;
  const fromWhere = flow.sourceAddresses === undefined ? 'or from a CIDR containing the VPC'
    : flow.sourceAddresses === 'vpc' ? 'a CIDR containing the VPC' : `a CIDR containing ${flow.sourceAddresses}`;
  const from = flow.sourceAddresses === undefined ? pick(graph, source)
    : flow.sourceAddresses === 'vpc' ? 'the VPC CIDR' : flow.sourceAddresses;
  const to = pick(graph, destination);
  const problems: string[] = [];
  const fixes: string[] = [];
  if (!egress) {
    problems.push(`no egress rule on ${list(source.groups)} lets ${what} out to ${list(destination.groups)} or to a CIDR containing the VPC`);
    fixes.push(`an AWS::EC2::SecurityGroupEgress on ${from} to ${to} ${what}`);
  }
  if (!ingress) {
    problems.push(`no ingress rule on ${list(destination.groups)} admits ${what} from ${source.groups.length > 0 ? `${list(source.groups)} ` : ''}${fromWhere}`);
    fixes.push(`an AWS::EC2::SecurityGroupIngress on ${to} from ${from} ${what}`);
  }
  const endpoints = flow.sourceAddresses === undefined ? [source, destination] : [destination];
  const unowned = [...new Set(endpoints)].filter((e) => !e.groups.some((k) => !graph.isEksCreated(k)));
  const give = unowned.map((e) => `${e.ownGroupFix ?? `give the ${e.label} a security group of its own (launch template SecurityGroupIds)`}, then `).join('');
  return { allowed: false, rules: [...egress ?? [], ...ingress ?? []], problem: problems.join('; '), fix: `${give}add ${fixes.join(' and ')}` };
}

/** The flow's ports as reports print them: ICMP type and code, `all` for protocol -1. */
export function formatFlowPorts(flow: FlowSpec): string {
  return RequiredFlows.formatProtocolPorts(flow.protocol, flow.fromPort, flow.toPort);
}

/**
 * Covers the flow with written, owned rules if they suffice, then with EC2's implicit default egress,
 * and only then with EKS-created rules, so "rests on" names the rules a reviewer can actually change.
 */
function coverPreferringOwned(graph: GroupIndex, rules: SgRule[], flow: FlowSpec): SgRule[] | undefined {
  const owned = rules.filter((r) => !graph.dependsOnEksCreated(r));
  return cover(owned.filter((r) => r.implicit === undefined), flow)
    ?? cover(owned, flow)
    ?? cover(rules, flow);
}

/** The rules whose ranges together cover the flow's ports, or undefined when a port is left out. */
function cover(rules: SgRule[], flow: FlowSpec): SgRule[] | undefined {
  // An ICMP flow is one type and code: any one rule that admits it (protocolCovers checked which) covers it.
  if (flow.protocol === 'icmp') return rules.length > 0 ? [rules[0]] : undefined;
  // A rule written for exactly this flow is the one a reviewer looks for, even when a wider rule also covers it.
  const exact = rules.find((r) => r.protocol === flow.protocol && r.fromPort === flow.fromPort && r.toPort === flow.toPort);
  if (exact) return [exact];
  const sorted = [...rules].sort((a, b) => a.fromPort - b.fromPort);
  const used: SgRule[] = [];
  let next = flow.fromPort;
  let i = 0;
  while (next <= flow.toPort) {
    let best: SgRule | undefined;
    for (; i < sorted.length && sorted[i].fromPort <= next; i++) {
      if (sorted[i].toPort >= next && (!best || sorted[i].toPort > best.toPort)) best = sorted[i];
    }
    if (!best) return undefined;
    used.push(best);
    next = best.toPort + 1;
  }
  return used;
}

function protocolCovers(rule: SgRule, flow: FlowSpec): boolean {
  if (rule.protocol === ALL_PROTOCOLS) return true;
  if (rule.protocol !== flow.protocol) return false;
  return flow.protocol !== 'icmp' || icmpCovers(rule, flow.fromPort, flow.toPort);
}

// An ICMP rule's FromPort is the type and ToPort the code, -1 meaning any; the graph reads -1/-1 (every
// type and code) as 0-65535.
function icmpCovers(rule: SgRule, type: number, code: number): boolean {
  if (rule.fromPort === 0 && rule.toPort === 65535) return true;
  return (rule.fromPort === -1 || rule.fromPort === type) && (rule.toPort === -1 || rule.toPort === code);
}

function cidrCovers(cidr: string | undefined, addresses: string): boolean {
  const [outer, inner] = [cidr === undefined ? undefined : parseIpv4Cidr(cidr), parseIpv4Cidr(addresses)];
  return outer !== undefined && inner !== undefined && cidrContains(outer, inner);
}

function cidrCoversVpc(cidr: string | undefined, group: SecurityGroupNode | undefined): boolean {
  const parsed = cidr === undefined ? undefined : parseIpv4Cidr(cidr);
  if (!parsed) return false;
  if (cidrContains(parsed, ANY_IPV4)) return true;
  const vpc = group?.vpcCidr === undefined ? undefined : parseIpv4Cidr(group.vpcCidr);
  return vpc !== undefined && cidrContains(parsed, vpc);
}

function groupsOf(graph: GroupIndex, endpoint: Endpoint): SecurityGroupNode[] {
  return endpoint.groups.map((k) => graph.get(k)).filter((g): g is SecurityGroupNode => g !== undefined);
}

function list(groups: readonly string[]): string {
  return groups.length === 0 ? '(no security group)' : `[${groups.join(', ')}]`;
}

// The fix names an owned group when the endpoint has one: a rule on the EKS-created group is exactly what an upgrade loses.
function pick(graph: GroupIndex, endpoint: Endpoint): string {
  return endpoint.groups.find((k) => !graph.isEksCreated(k)) ?? `<own group of the ${endpoint.label}>`;
}
