import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FlowProtocol, FlowRole, RequiredFlow, RequiredFlows } from '../model/required-flows';

/** The owned security group that plays each role of a flow. */
export interface FlowRoleGroups {
  /** Security group of the control-plane network interfaces. */
  readonly controlPlane: ec2.ISecurityGroup;
  /** Security group of the nodes. */
  readonly nodes: ec2.ISecurityGroup;
}

/** The `ec2.Port` for a flow's protocol and port range. */
export function flowPort(flow: RequiredFlow): ec2.Port {
  const single = flow.fromPort === flow.toPort;
  switch (flow.protocol) {
    case FlowProtocol.TCP:
      return single ? ec2.Port.tcp(flow.fromPort) : ec2.Port.tcpRange(flow.fromPort, flow.toPort);
    case FlowProtocol.UDP:
      return single ? ec2.Port.udp(flow.fromPort) : ec2.Port.udpRange(flow.fromPort, flow.toPort);
  }
}

/**
 * Rule description: only characters EC2 accepts in descriptions, and the flow ID first so a rule
 * seen in the console leads back to the table.
 */
export function flowRuleDescription(flow: RequiredFlow): string {
  return `cdk-safe-eks ${flow.id}: ${flow.source} to ${flow.destination} ${flow.protocol} ${RequiredFlows.formatPorts(flow)}`;
}

function groupFor(role: FlowRole, groups: FlowRoleGroups): ec2.ISecurityGroup {
  switch (role) {
    case FlowRole.CONTROL_PLANE: return groups.controlPlane;
    case FlowRole.NODES: return groups.nodes;
    default: throw new Error(`Flow role ${role} has no group in a cluster; the required-flow table is wrong.`);
  }
}

/**
 * Writes each flow as an ingress rule on the destination's group and an egress rule on the
 * source's group. Both groups are created with `allowAllOutbound: false`, so the egress rule is
 * real and the flow never rests on a default.
 */
export function addFlowRules(groups: FlowRoleGroups, flows: readonly RequiredFlow[]): void {
  for (const flow of flows) {
    const source = groupFor(flow.source, groups);
    const destination = groupFor(flow.destination, groups);
    const port = flowPort(flow);
    const description = flowRuleDescription(flow);
    destination.addIngressRule(source, port, description);
    source.addEgressRule(destination, port, description);
  }
}
