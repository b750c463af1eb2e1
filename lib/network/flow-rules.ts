import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FlowProtocol, FlowRole, RequiredFlow, RequiredFlows } from '../model/required-flows';
import { acknowledgeRules } from '../private/acknowledgements';
import { SafeEksError, show } from '../private/errors';
import { ec2RuleDescription } from '../model/aws-naming-rules';

/** The owned security group that plays each role of a flow. */
export interface FlowRoleGroups {
  /** Security group of the control-plane network interfaces. */
  readonly controlPlane: ec2.ISecurityGroup;
  /** Security group of the nodes. */
  readonly nodes: ec2.ISecurityGroup;
  /**
   * IPv4 CIDR of the VPC, the peer of flows whose source is `FlowRole.VPC`.
   *
   * @default - a flow from the VPC is an error
   */
  readonly vpcCidr?: string;
}

/** The `ec2.Port` for a flow's protocol and port range (ICMP: type and code). */
export function flowPort(flow: RequiredFlow): ec2.Port {
  const single = flow.fromPort === flow.toPort;
  switch (flow.protocol) {
    case FlowProtocol.TCP:
      return single ? ec2.Port.tcp(flow.fromPort) : ec2.Port.tcpRange(flow.fromPort, flow.toPort);
    case FlowProtocol.UDP:
      return single ? ec2.Port.udp(flow.fromPort) : ec2.Port.udpRange(flow.fromPort, flow.toPort);
    case FlowProtocol.ICMP:
      return ec2.Port.icmpTypeAndCode(flow.fromPort, flow.toPort);
    case FlowProtocol.ALL:
      return ec2.Port.allTraffic();
  }
}

/**
 * Rule description: only characters EC2 accepts in descriptions, and the flow ID first so a rule
 * seen in the console leads back to the table.
 */
export function flowRuleDescription(flow: RequiredFlow): string {
  const protocol = flow.protocol === FlowProtocol.ALL ? 'all protocols' : flow.protocol;
  return ec2RuleDescription(`cdk-safe-eks ${flow.id}: ${flow.source} to ${flow.destination} ${protocol} ${RequiredFlows.formatPorts(flow)}`);
}

function peerFor(role: FlowRole, groups: FlowRoleGroups): ec2.IPeer {
  if (role === FlowRole.CONTROL_PLANE) return groups.controlPlane;
  if (role === FlowRole.NODES) return groups.nodes;
  if (role === FlowRole.VPC && groups.vpcCidr !== undefined) return ec2.Peer.ipv4(groups.vpcCidr);
  // SafeCluster leaves out the VPC flow when the VPC block is unknown: reaching this is a fault in the flow table.
  throw new SafeEksError(groups.nodes, 'FlowRoleWithoutGroup', `Flow role ${role} has no group in a cluster, so no rule can carry its flows.`, show(role),
    'report this to the maintainers of cdk-safe-eks: the required-flow table is wrong');
}

/**
 * Writes each flow as an ingress rule on the destination's group and an egress rule on the
 * source's group. Both groups are created with `allowAllOutbound: false`, so the egress rule is
 * real and the flow never rests on a default. A flow from VPC addresses has no source group: only
 * its ingress rule is written.
 */
export function addFlowRules(groups: FlowRoleGroups, flows: readonly RequiredFlow[]): void {
  for (const flow of flows) {
    const source = peerFor(flow.source, groups);
    const destination = peerFor(flow.destination, groups) as ec2.ISecurityGroup;
    const port = flowPort(flow);
    const description = flowRuleDescription(flow);
    destination.addIngressRule(source, port, description);
    if (flow.source !== FlowRole.VPC) (source as ec2.ISecurityGroup).addEgressRule(destination, port, description);
    if (flow.protocol === FlowProtocol.ALL && source === destination) acknowledgeSelfAllTraffic(destination);
  }
}

// The packs read an all-traffic ingress as "common ports open"; this one admits only the group itself.
const COMMON_PORT_RULES = ['HIPAA.Security-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedCommonPorts', 'PCI.DSS.321-EC2RestrictedCommonPorts'];

function acknowledgeSelfAllTraffic(group: ec2.ISecurityGroup): void {
  acknowledgeRules(group, COMMON_PORT_RULES,
    'The all-traffic rule admits only this security group itself (node to node), exactly what the EKS-created group allowed between nodes; no address range is open.');
}
