import { cidrContains, parseIpv4Cidr } from './cidr';
import { Endpoint, GroupIndex, SecurityGroupNode, SgRule } from './network';
import { ALL_PROTOCOLS, describeTraffic, RuleProtocol } from './traffic';

/** One connection to prove: `protocol` on `fromPort`-`toPort`, opened by the source endpoint. */
export interface FlowSpec {
  readonly protocol: RuleProtocol;
  readonly fromPort: number;
  readonly toPort: number;
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
  const matches = (rule: SgRule, peers: readonly string[]) => survives(rule)
    && protocolCovers(rule, flow)
    && (rule.peerGroup !== undefined ? peers.includes(rule.peerGroup) : cidrCoversVpc(rule.peerCidr, graph.get(rule.group)));
  const egress = coverPreferringOwned(graph, groupsOf(graph, source).flatMap((g) => g.egress).filter((r) => matches(r, destination.groups)), flow);
  const ingress = coverPreferringOwned(graph, groupsOf(graph, destination).flatMap((g) => g.ingress).filter((r) => matches(r, source.groups)), flow);
  if (egress && ingress) return { allowed: true, rules: [...egress, ...ingress] };
  const what = describeTraffic(flow.protocol, flow.fromPort, flow.toPort);
  const [from, to] = [pick(graph, source), pick(graph, destination)];
  const problems: string[] = [];
  const fixes: string[] = [];
  if (!egress) {
    problems.push(`no egress rule on ${list(source.groups)} lets ${what} out to ${list(destination.groups)} or to a CIDR containing the VPC`);
    fixes.push(`an AWS::EC2::SecurityGroupEgress on ${from} to ${to} ${what}`);
  }
  if (!ingress) {
    problems.push(`no ingress rule on ${list(destination.groups)} admits ${what} from ${list(source.groups)} or from a CIDR containing the VPC`);
    fixes.push(`an AWS::EC2::SecurityGroupIngress on ${to} from ${from} ${what}`);
  }
  const unowned = [...new Set([source, destination])].filter((e) => !e.groups.some((k) => !graph.isEksCreated(k)));
  const give = unowned.map((e) => `${e.ownGroupFix ?? `give the ${e.label} a security group of its own (launch template SecurityGroupIds)`}, then `).join('');
  return { allowed: false, rules: [...egress ?? [], ...ingress ?? []], problem: problems.join('; '), fix: `${give}add ${fixes.join(' and ')}` };
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
  return rule.protocol === ALL_PROTOCOLS || rule.protocol === flow.protocol;
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
