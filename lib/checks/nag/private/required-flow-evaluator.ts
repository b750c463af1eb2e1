import { FlowRole, RequiredFlow, RequiredFlows } from '../../../network/required-flows';
import { SecurityGroupIdentity, SecurityGroupRule, RuleDirection } from './security-groups';

/** `IpProtocol` as names; `-1` (all) is handled before lookup. */
const PROTOCOL_NAMES: { readonly [value: string]: string } = { 6: 'tcp', 17: 'udp', tcp: 'tcp', udp: 'udp' };
/** The only address range that is sure to contain the other side of a flow, whatever its addresses. */
const ANY_IPV4 = '0.0.0.0/0';

/** The owned groups that play each role of the table for one set of nodes. */
export interface FlowGroups {
  readonly controlPlane: readonly SecurityGroupIdentity[];
  readonly nodes: readonly SecurityGroupIdentity[];
}

/**
 * The flows of the required-flow table that `rules` do not allow for these
 * groups. A flow holds when one source group and one destination group have both halves: an ingress
 * rule on the destination from the source, and an egress rule on the source to the destination (or
 * to 0.0.0.0/0), each covering the flow's protocol and ports. Rules on or from an EKS-created group
 * never count: the groups passed in are owned ones.
 */
export function missingRequiredFlows(rules: readonly SecurityGroupRule[], groups: FlowGroups): RequiredFlow[] {
  return RequiredFlows.select().filter((flow) => {
    const sources = groupsFor(flow.source, groups);
    const destinations = groupsFor(flow.destination, groups);
    return !sources.some((s) => destinations.some((d) =>
      rules.some((r) => r.direction === RuleDirection.INGRESS && r.group.key === d.key && allows(r, s.key, flow))
      && rules.some((r) => r.direction === RuleDirection.EGRESS && r.group.key === s.key && allows(r, d.key, flow))));
  });
}

/** The flows with the control plane at one end: all that can be checked when no node group is known. */
export function controlPlaneFlows(): RequiredFlow[] {
  return RequiredFlows.select().filter((flow) => flow.source === FlowRole.CONTROL_PLANE || flow.destination === FlowRole.CONTROL_PLANE);
}

function groupsFor(role: FlowRole, groups: FlowGroups): readonly SecurityGroupIdentity[] {
  return role === FlowRole.CONTROL_PLANE ? groups.controlPlane : groups.nodes;
}

function allows(rule: SecurityGroupRule, peerKey: string, flow: RequiredFlow): boolean {
  const peerMatches = rule.peer ? rule.peer.key === peerKey : rule.cidr === ANY_IPV4;
  return peerMatches && coversPorts(rule, flow);
}

function coversPorts(rule: SecurityGroupRule, flow: RequiredFlow): boolean {
  if (String(rule.protocol) === '-1') return true;
  if (PROTOCOL_NAMES[String(rule.protocol).toLowerCase()] !== flow.protocol) return false;
  // Ports that are still intrinsics (a data store's port attribute) are not known to cover anything.
  const from = Number(rule.fromPort);
  const to = Number(rule.toPort);
  return rule.fromPort !== undefined && rule.toPort !== undefined && Number.isInteger(from) && Number.isInteger(to)
    && from <= flow.fromPort && flow.toPort <= to;
}
