import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FlowCategory, FlowProtocol, FlowRole, RequiredFlow, RequiredFlows } from '../../lib';
import { addFlowRules, flowPort, flowRuleDescription } from '../../lib/network/flow-rules';
import { testStack, testVpc } from '../helpers';

function groups() {
  const stack = testStack();
  const vpc = testVpc(stack);
  const controlPlane = new ec2.SecurityGroup(stack, 'ControlPlane', { vpc, allowAllOutbound: false });
  const nodes = new ec2.SecurityGroup(stack, 'Nodes', { vpc, allowAllOutbound: false });
  return { stack, controlPlane, nodes };
}

describe('addFlowRules', () => {
  test('writes one ingress on the destination and one egress on the source per flow', () => {
    const { stack, controlPlane, nodes } = groups();
    const flows = RequiredFlows.all();
    addFlowRules({ controlPlane, nodes }, flows);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', flows.length);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', flows.length);
    const id = (sg: ec2.SecurityGroup) => ({ 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] });
    const role = (r: FlowRole) => (r === FlowRole.NODES ? nodes : controlPlane);
    for (const flow of flows) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: id(role(flow.destination)), SourceSecurityGroupId: id(role(flow.source)),
        IpProtocol: flow.protocol, FromPort: flow.fromPort, ToPort: flow.toPort, Description: flowRuleDescription(flow),
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: id(role(flow.source)), DestinationSecurityGroupId: id(role(flow.destination)),
        IpProtocol: flow.protocol, FromPort: flow.fromPort, ToPort: flow.toPort,
      });
    }
  });

  test('refuses a flow whose role has no group in a cluster', () => {
    const { controlPlane, nodes } = groups();
    const toCache: RequiredFlow = { ...RequiredFlows.all()[0], destination: FlowRole.CACHE };
    expect(() => addFlowRules({ controlPlane, nodes }, [toCache])).toThrow(/Flow role cache has no group/);
  });
});

describe('flowPort and flowRuleDescription', () => {
  const base: RequiredFlow = {
    id: 'X', source: FlowRole.NODES, destination: FlowRole.NODES, protocol: FlowProtocol.UDP,
    fromPort: 53, toPort: 53, category: FlowCategory.CORE, reason: 'r',
  };

  test('maps protocol and range to the ec2.Port CloudFormation expects', () => {
    expect(flowPort(base).toRuleJson()).toEqual({ ipProtocol: 'udp', fromPort: 53, toPort: 53 });
    expect(flowPort({ ...base, protocol: FlowProtocol.TCP, fromPort: 1025, toPort: 65535 }).toRuleJson())
      .toEqual({ ipProtocol: 'tcp', fromPort: 1025, toPort: 65535 });
    expect(flowPort({ ...base, fromPort: 1000, toPort: 2000 }).toRuleJson()).toEqual({ ipProtocol: 'udp', fromPort: 1000, toPort: 2000 });
  });

  test('descriptions use only characters EC2 accepts and stay under 255', () => {
    for (const flow of RequiredFlows.all()) {
      const description = flowRuleDescription(flow);
      expect(description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]+$/);
      expect(description.length).toBeLessThanOrEqual(255);
      expect(description).toContain(flow.id);
    }
  });
});
