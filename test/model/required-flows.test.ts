import * as fs from 'fs';
import * as path from 'path';
import { ControlPlaneTraffic, FlowCategory, FlowProtocol, FlowRole, NodeTraffic, RequiredFlow, RequiredFlows } from '../../lib';

const PAGE = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'required-flows.md'), 'utf8');

/** The flow table of docs/required-flows.md, rendered from the code's table. */
function renderFlowTable(flows: RequiredFlow[]): string {
  const rows = flows.map((f) =>
    `| ${f.id} | ${f.source} | ${f.destination} | ${f.protocol} | ${RequiredFlows.formatPorts(f)} | ${f.category} | ${f.reason} |`);
  return ['| ID | from | to | protocol | ports | category | why (source) |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

describe('RequiredFlows table', () => {
  const all = RequiredFlows.all();

  test('has the flows AWS requires between control plane and nodes', () => {
    const has = (source: FlowRole, destination: FlowRole, protocol: FlowProtocol, from: number, to = from) =>
      all.some((f) => f.source === source && f.destination === destination && f.protocol === protocol
        && f.fromPort === from && f.toPort === to);
    const { CONTROL_PLANE: CP, NODES } = FlowRole;
    expect(has(CP, NODES, FlowProtocol.TCP, 443)).toBe(true);
    expect(has(CP, NODES, FlowProtocol.TCP, 10250)).toBe(true);
    expect(has(NODES, CP, FlowProtocol.TCP, 443)).toBe(true);
    expect(has(NODES, NODES, FlowProtocol.TCP, 53)).toBe(true);
    expect(has(NODES, NODES, FlowProtocol.UDP, 53)).toBe(true);
    expect(has(NODES, NODES, FlowProtocol.TCP, 1025, 65535)).toBe(true);
    for (const port of [4443, 6443, 8443, 9443, 10251]) {
      expect(all.filter((f) => f.category === FlowCategory.WEBHOOK && f.fromPort === port && f.source === CP)).toHaveLength(1);
    }
  });

  test('IDs are unique and every flow is well formed', () => {
    expect(new Set(all.map((f) => f.id)).size).toBe(all.length);
    for (const f of all) {
      expect(f.id).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(f.fromPort).toBeGreaterThanOrEqual(0);
      expect(f.toPort).toBeLessThanOrEqual(65535);
      expect(f.fromPort).toBeLessThanOrEqual(f.toPort);
      expect(f.reason.length).toBeGreaterThan(20);
    }
  });

  test('select() keeps core flows always and drops webhooks when asked', () => {
    const withoutWebhooks = RequiredFlows.select({ webhookFlows: false });
    expect(withoutWebhooks.every((f) => f.category === FlowCategory.CORE)).toBe(true);
    expect(withoutWebhooks).toHaveLength(all.filter((f) => f.category === FlowCategory.CORE).length);
    expect(RequiredFlows.select({ nodeTraffic: NodeTraffic.RECOMMENDED, controlPlaneTraffic: ControlPlaneTraffic.NARROW })).toEqual(all);
    // The default adds what the EKS-created group allowed between the same parties.
    expect(RequiredFlows.select()).toEqual([...all, ...RequiredFlows.allTraffic()]);
  });

  test('all() returns a copy, so callers cannot change the table', () => {
    const copy = RequiredFlows.all();
    copy.pop();
    expect(RequiredFlows.all()).toHaveLength(all.length);
  });

  test('formatPorts prints single ports and ranges', () => {
    expect(RequiredFlows.formatPorts({ ...all[0], fromPort: 443, toPort: 443 })).toBe('443');
    expect(RequiredFlows.formatPorts({ ...all[0], fromPort: 1025, toPort: 65535 })).toBe('1025-65535');
  });

  test('docs/required-flows.md renders the all-traffic rows, the default choice, from the code', () => {
    expect(PAGE).toContain(renderFlowTable(RequiredFlows.allTraffic()));
  });

  test('the all-traffic rows are what the EKS-created group allowed: node <-> node -1, control plane -> nodes all TCP, ICMP type 3 code 4 from the VPC', () => {
    expect(RequiredFlows.allTraffic().map((f) => [f.source, f.destination, f.protocol, f.fromPort, f.toPort])).toEqual([
      [FlowRole.NODES, FlowRole.NODES, FlowProtocol.ALL, 0, 65535],
      [FlowRole.CONTROL_PLANE, FlowRole.NODES, FlowProtocol.TCP, 0, 65535],
      [FlowRole.VPC, FlowRole.NODES, FlowProtocol.ICMP, 3, 4],
    ]);
    expect(RequiredFlows.formatPorts(RequiredFlows.allTraffic()[2])).toBe('type 3 code 4');
  });

  test('docs/required-flows.md renders exactly this table', () => {
    // On failure, paste the expected block from this message into docs/required-flows.md.
    expect(PAGE).toContain(renderFlowTable(all));
  });
});

describe('RequiredFlows flow IDs and extension flows', () => {
  test('the IDs of flows found in templates are constants', () => {
    expect([RequiredFlows.NODES_TO_DATABASE, RequiredFlows.NODES_TO_CACHE, RequiredFlows.LOAD_BALANCER_TO_NODES])
      .toEqual(['NodesToDatabase', 'NodesToCache', 'LoadBalancerToNodes']);
  });

  test('each extension flow is named after its peer, on the port its method opens', () => {
    const extension = { category: FlowCategory.EXTENSION, protocol: FlowProtocol.TCP };
    expect(RequiredFlows.apiAccessFromCidr('10.20.0.0/16')).toEqual({
      ...extension, id: 'ApiAccessFrom10.20.0.0/16', source: FlowRole.API_CLIENT, destination: FlowRole.CONTROL_PLANE, fromPort: 443, toPort: 443,
      reason: 'Kubernetes API clients in 10.20.0.0/16 (allowApiAccessFrom).', peerCidr: '10.20.0.0/16',
    });
    expect(RequiredFlows.apiAccessFromGroup('StackRunner', 'sg-1')).toMatchObject({ ...extension, id: 'ApiAccessFromStackRunner', peerGroup: 'sg-1' });
    expect(RequiredFlows.apiAccessFromGroup('StackRunner', 'sg-1').peerCidr).toBeUndefined();
    expect(RequiredFlows.nodePortFrom(30080, 'StackNlb', 'sg-2')).toEqual({
      ...extension, id: 'NodePort30080FromStackNlb', source: FlowRole.LOAD_BALANCER, destination: FlowRole.NODES, fromPort: 30080, toPort: 30080,
      reason: 'Load balancer StackNlb to pods on 30080 (allowNodePortsFrom).', peerGroup: 'sg-2',
    });
    expect(RequiredFlows.kubectlProviderToApi('sg-3')).toEqual({
      ...extension, id: 'KubectlProviderToApi', source: FlowRole.API_CLIENT, destination: FlowRole.CONTROL_PLANE, fromPort: 443, toPort: 443,
      reason: 'The kubectl provider Lambda to the Kubernetes API.', peerGroup: 'sg-3',
    });
    expect(RequiredFlows.kubectlProviderToApi('sg-3', 'StackGiven').id).toBe('KubectlProviderToApiStackGiven');
  });
});
