import * as fs from 'fs';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ConnectivityChecks } from '../../lib/checks/connectivity-checks';
import { EksUpgradeSafetyChecks } from '../../lib/checks/nag/eks-upgrade-safety-checks';
import { ExitCode, runCli } from '../../lib/cli/program';
import { SafeCluster, SafeClusterProps } from '../../lib/cluster/safe-cluster';
import { GuardrailTrail } from '../../lib/guardrails/guardrail-trail';
import { INTENT_METADATA_KEY } from '../../lib/model/intent';
import { ControlPlaneTraffic, NodeTraffic, RequiredFlows } from '../../lib/model/required-flows';
import { testApp, testStack, testVpc } from '../helpers';

type Options = Pick<SafeClusterProps, 'webhookFlows' | 'restrictNodeEgress' | 'nodeTraffic' | 'controlPlaneTraffic' | 'webhookPorts'>;

/** The verdict of each of the four checkers on one app: true when it finds nothing. */
function verdicts(options: Options, mutate?: (cluster: SafeCluster) => void) {
  const app = testApp();
  const stack = testStack(app);
  const cluster = new SafeCluster(stack, 'Safe', {
    version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'safe', defaultCapacity: 0,
    bootstrapClusterCreatorAdminPermissions: true, ...options,
  });
  cluster.addNodegroup('Workers', { instanceTypes: [new ec2.InstanceType('m6i.large')] });
  cluster.addGuardrails({ trail: GuardrailTrail.organizationTrail('The organization trail logs management events in every region.') });
  mutate?.(cluster);
  const assembly = app.synth({ skipValidation: true });
  const templatePaths = assembly.stacks.map((s) => path.join(assembly.directory, s.templateFile));
  const plugin = new ConnectivityChecks().validate({ templatePaths } as unknown as Parameters<ConnectivityChecks['validate']>[0]);
  const silent = { out: () => undefined, err: () => undefined, writeFile: () => undefined };
  return {
    nodeValidation: cluster.node.validate().length === 0,
    nagPack: new EksUpgradeSafetyChecks(app).validateScope(app).violations.filter((v) => v.ruleName.startsWith('EksUpgradeSafety')).length === 0,
    connectivityChecks: plugin.success,
    verify: runCli(['verify', assembly.directory], silent) === ExitCode.OK,
    template: JSON.parse(fs.readFileSync(templatePaths[0], 'utf8')),
  };
}

const COMBINATIONS: Options[] = [
  {}, { webhookFlows: false }, { restrictNodeEgress: true }, { webhookFlows: false, restrictNodeEgress: true },
  { nodeTraffic: NodeTraffic.RECOMMENDED, webhookPorts: [15017, 8080] },
  { nodeTraffic: NodeTraffic.RECOMMENDED, controlPlaneTraffic: ControlPlaneTraffic.NARROW, webhookPorts: [15017, 8080, 10260] },
  { controlPlaneTraffic: ControlPlaneTraffic.NARROW, webhookFlows: false, webhookPorts: [5443], restrictNodeEgress: true },
];

describe('the four checkers read the cluster\'s recorded intent and agree', () => {
  test.each(COMBINATIONS)('SafeCluster %j passes all four, with no option given to any checker', (options) => {
    const { template, ...result } = verdicts(options);
    expect(result).toEqual({ nodeValidation: true, nagPack: true, connectivityChecks: true, verify: true });
    const [cluster] = Object.values(template.Resources as { [id: string]: { Type: string; Metadata?: { [key: string]: unknown } } })
      .filter((r) => r.Type === 'AWS::EKS::Cluster');
    const recorded = (cluster.Metadata?.[INTENT_METADATA_KEY] as { requiredFlows: Array<{ id: string }> }).requiredFlows.map((f) => f.id);
    expect(recorded).toEqual(RequiredFlows.select(options).map((f) => f.id));
  });

  test('flows added after construction (webhook port, API access, load balancer) are recorded and pass all four', () => {
    const { template, ...result } = verdicts({ controlPlaneTraffic: ControlPlaneTraffic.NARROW }, (cluster) => {
      cluster.addWebhookPort(15017, 'Istio sidecar injector');
      cluster.allowApiAccessFrom(ec2.Peer.ipv4('10.20.0.0/16'));
      const balancer = new ec2.SecurityGroup(cluster, 'Balancer', { vpc: cluster.vpc });
      cluster.allowNodePortsFrom(balancer, 8080);
    });
    expect(result).toEqual({ nodeValidation: true, nagPack: true, connectivityChecks: true, verify: true });
    const ids = JSON.stringify(template);
    for (const id of ['ControlPlaneToNodesWebhook15017', 'ApiAccessFrom10.20.0.0/16', 'NodePort8080From']) expect(ids).toContain(`"id":"${id}`);
  });

  test.each<[Options, string]>([
    [{ webhookFlows: false }, '10250'],
    [{ controlPlaneTraffic: ControlPlaneTraffic.NARROW, webhookPorts: [15017] }, '15017'],
  ])('a recorded flow whose rule is removed fails all four (%j, rule on port %s)', (options, port) => {
    const result = verdicts(options, (cluster) => {
      const group = cluster.nodeSecurityGroup.node;
      const rule = group.children.find((c) => c.node.id.includes(port));
      expect(rule).toBeDefined();
      group.tryRemoveChild(rule!.node.id);
    });
    expect({ ...result, template: undefined }).toEqual({
      nodeValidation: false, nagPack: false, connectivityChecks: false, verify: false, template: undefined,
    });
  });
});
