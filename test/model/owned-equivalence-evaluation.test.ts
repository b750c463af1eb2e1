import { FlowModel } from '../../lib/model/flow-model';
import { intentMetadata, INTENT_METADATA_KEY } from '../../lib/model/intent';
import { RequiredFlows } from '../../lib/model/required-flows';
import { groupId, ingressRule, egressRule, ownedCluster, template, vpc, Resources } from '../fixtures/cfn-builders';

const VPC = { Ref: 'Vpc' };
const ALL_TRAFFIC = RequiredFlows.allTraffic();

/** An owned cluster that records the table plus the all-traffic rows, with `rules` as the all-traffic rules. */
function equivalentCluster(rules: Resources, vpcCidr?: string): Resources {
  const resources = ownedCluster('C', VPC);
  resources.CCluster.Metadata = { [INTENT_METADATA_KEY]: intentMetadata([...RequiredFlows.all(), ...ALL_TRAFFIC], { vpcCidr }) };
  return { ...resources, ...rules };
}

const evaluate = (resources: Resources, withVpc = true) =>
  FlowModel.fromTemplates([{ stackName: 'S', template: template(withVpc ? { Vpc: vpc(), ...resources } : resources) }]).evaluate();
const flow = (report: ReturnType<typeof evaluate>, id: string) => report.flows.find((f) => f.flowId === id)!;

const without = (resources: Resources, id: string): Resources => Object.fromEntries(Object.entries(resources).filter(([k]) => k !== id));
const NODES = groupId('CNodeSg');
const CP = groupId('CControlPlaneSg');
const ALL_RULES: Resources = {
  AllIn: ingressRule(NODES, NODES, { protocol: '-1' }),
  AllOut: egressRule(NODES, NODES, { protocol: -1 }),
  TcpIn: ingressRule(NODES, CP, { protocol: 'tcp', from: 0, to: 65535 }),
  TcpOut: egressRule(CP, NODES, { protocol: 'tcp', from: 0, to: 65535 }),
  Icmp: ingressRule(NODES, '10.0.0.0/16', { protocol: 'icmp', from: 3, to: 4 }),
};

describe('FlowModel: protocol -1 and ICMP flows', () => {
  test('the all-traffic rows hold through -1, all-TCP and ICMP rules, before and after the replay', () => {
    const report = evaluate(equivalentCluster(ALL_RULES));
    for (const row of ALL_TRAFFIC) expect(flow(report, row.id)).toMatchObject({ allowedBefore: true, allowedAfterReplay: true });
    expect(report.passed).toBe(true);
  });

  test('an all-traffic flow needs a -1 rule: tcp and udp over every port are not all traffic', () => {
    const rest = without(ALL_RULES, 'AllIn');
    const report = evaluate(equivalentCluster({
      ...rest,
      TcpAll: ingressRule(NODES, NODES, { protocol: 'tcp', from: 0, to: 65535 }),
      UdpAll: ingressRule(NODES, NODES, { protocol: 'udp', from: 0, to: 65535 }),
    }));
    expect(flow(report, 'NodesToNodesAllTraffic')).toMatchObject({ allowedBefore: false, protocol: 'all', ports: 'all' });
    expect(flow(report, 'NodesToNodesAllTraffic').problem).toContain('admits all traffic from [S/CNodeSg]');
  });

  test.each([
    ['icmp type 3 code 4', { protocol: 'icmp', from: 3, to: 4 }, true],
    ['icmp type 3, any code', { protocol: 'icmp', from: 3, to: -1 }, true],
    ['every icmp type and code', { protocol: 1, from: -1, to: -1 }, true],
    ['protocol -1', { protocol: '-1' }, true],
    ['icmp type 3 code 1 only', { protocol: 'icmp', from: 3, to: 1 }, false],
    ['icmp echo (type 8)', { protocol: 'icmp', from: 8, to: -1 }, false],
    ['udp on every port', { protocol: 'udp', from: 0, to: 65535 }, false],
  ])('path-MTU ICMP from the VPC with %s: %s', (_name, rule, holds) => {
    const report = evaluate(equivalentCluster({ ...ALL_RULES, Icmp: ingressRule(NODES, '10.0.0.0/16', rule) }));
    expect(flow(report, 'VpcToNodesPathMtu').allowedAfterReplay).toBe(holds);
  });

  test.each([['10.0.0.0/8', true], ['10.0.0.0/16', true], ['10.0.1.0/24', false]])('ICMP from CIDR %s covers the VPC: %s', (cidr, holds) => {
    const report = evaluate(equivalentCluster({ ...ALL_RULES, Icmp: ingressRule(NODES, cidr, { protocol: 'icmp', from: 3, to: 4 }) }));
    expect(flow(report, 'VpcToNodesPathMtu').allowedAfterReplay).toBe(holds);
  });

  test('a recorded VPC CIDR proves the ICMP flow even when the VPC is in another template', () => {
    expect(flow(evaluate(equivalentCluster(ALL_RULES), false), 'VpcToNodesPathMtu').allowedBefore).toBe(false);
    expect(flow(evaluate(equivalentCluster(ALL_RULES, '10.0.0.0/16'), false), 'VpcToNodesPathMtu').allowedBefore).toBe(true);
  });

  test('a missing ICMP rule is named with the rule to add', () => {
    const rest = without(ALL_RULES, 'Icmp');
    const mtu = flow(evaluate(equivalentCluster(rest)), 'VpcToNodesPathMtu');
    expect(mtu.problem).toBe('no ingress rule on [S/CNodeSg] admits icmp type 3 code 4 from a CIDR containing the VPC');
    expect(mtu.fix).toBe('add an AWS::EC2::SecurityGroupIngress on S/CNodeSg from the VPC CIDR icmp type 3 code 4');
  });

  test('a flow that has its own rule rests on it, not on a wider rule that also covers it', () => {
    const kubelet = flow(evaluate(equivalentCluster(ALL_RULES)), 'ControlPlaneToNodesKubelet');
    expect(kubelet.restsOn.map((r) => r.logicalId).sort()).toEqual(['CControlPlaneToNodesKubeletIn', 'CControlPlaneToNodesKubeletOut']);
  });
});
