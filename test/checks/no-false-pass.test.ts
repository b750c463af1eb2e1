import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ConnectivityChecks } from '../../lib/checks/connectivity-checks';
import { EksUpgradeSafetyChecks } from '../../lib/checks/nag/eks-upgrade-safety-checks';
import { ExitCode, runCli } from '../../lib/cli/program';
import { SafeCluster } from '../../lib/cluster/safe-cluster';
import { FlowModel } from '../../lib/model/flow-model';
import { WorkloadKind } from '../../lib/model/workloads';
import { buildShapeApp, SHAPES } from '../fixtures/no-false-pass-apps';
import { testApp, testStack, testVpc } from '../helpers';

const CONNECTIVITY = /^EksUpgradeSafety-(EFL1|EDS1|EUP1)/;

/** What each checker says about an app: the findings of the plugin and the pack, verify's exit code and output. */
function check(app: App) {
  const assembly = app.synth({ skipValidation: true });
  const templatePaths = assembly.stacks.map((s) => path.join(assembly.directory, s.templateFile));
  const plugin = new ConnectivityChecks().validate({ templatePaths } as unknown as Parameters<ConnectivityChecks['validate']>[0]);
  const nag = new EksUpgradeSafetyChecks(app).validateScope(app).violations.map((v) => v.ruleName).filter((id) => CONNECTIVITY.test(id));
  let out = '';
  const code = runCli(['verify', assembly.directory], { out: (t) => { out += t; }, err: (t) => { out += t; }, writeFile: () => undefined });
  return { plugin: [...new Set(plugin.violations.map((v) => v.ruleName))].sort(), nag: [...new Set(nag)].sort(), code, out, directory: assembly.directory };
}

describe('no false pass: shapes that rest on the EKS-created group fail all three app-wide checkers alike', () => {
  const rows = Object.keys(SHAPES).flatMap((shape) => [[shape, false], [shape, true]] as Array<[string, boolean]>);
  test.each(rows)('%s (database trusting the EKS-created group: %s)', (shape, withDatabase) => {
    const result = check(buildShapeApp(shape, withDatabase));
    expect(result.code).not.toBe(ExitCode.OK);
    expect(result.code).not.toBe(ExitCode.UNUSABLE);
    expect(result.out).toMatch(/Shape\/Cluster\w+ .*(lost in replay|no flow of its workloads could be proven)/);
    expect(result.out).not.toMatch(/^OK:/m);
    expect(result.plugin.length).toBeGreaterThan(0);
    // The pack and the plugin report the same connectivity findings.
    expect(result.nag).toEqual(result.plugin);
    if (withDatabase) expect(result.out).toMatch(/NodesToDatabase \([\w-]+\) \[ShapeData\/Db\w+ \(AWS::RDS::DBInstance\)\]: lost in replay/);
  });

  test('each workload kind is modelled with the EKS-created group and gets its flows', () => {
    const kinds = (shape: string) => {
      const { directory } = check(buildShapeApp(shape, true));
      return [...new Set(FlowModel.fromAssemblyDirectory(directory).evaluate().flows.map((f) => f.workload))].sort();
    };
    expect(kinds('Auto Mode cluster')).toEqual([WorkloadKind.AUTO_MODE_NODES]);
    expect(kinds('aws-eks-v2 FargateCluster')).toEqual([WorkloadKind.FARGATE_PODS, WorkloadKind.VPC_LAMBDA]);
    expect(kinds('aws-eks (v1) FargateCluster')).toEqual([WorkloadKind.FARGATE_PODS, WorkloadKind.VPC_LAMBDA]);
    expect(kinds('cluster with only a kubectl handler')).toEqual([WorkloadKind.VPC_LAMBDA]);
  });

  test('a cluster with nothing provable is unproven: exit 3, named with the reason, EUP1 in both plugins', () => {
    const app = testApp();
    const stack = testStack(app);
    new eks.Cluster(stack, 'Bare', {
      version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    });
    const result = check(app);
    expect(result.code).toBe(ExitCode.UNPROVEN);
    expect(result.out).toMatch(/\n {2}Test\/Bare\w+: no node group, .* no flow of its workloads could be proven \[EksUpgradeSafety-EUP1\]\n/);
    expect(result.out).toContain('Clusters: 0 proven, 0 failing, 1 unproven.');
    expect(result.plugin).toEqual(['EksUpgradeSafety-EUP1']);
    expect(result.nag).toEqual(['EksUpgradeSafety-EUP1']);
  });
});

describe('SafeCluster shapes', () => {
  function safeApp(mutate: (cluster: SafeCluster) => void): { app: App; cluster: SafeCluster } {
    const app = testApp();
    const stack = testStack(app);
    const cluster = new SafeCluster(stack, 'Safe', {
      version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'safe', defaultCapacity: 0,
    });
    mutate(cluster);
    return { app, cluster };
  }

  test('a SafeCluster without node groups is proven on the node security group it records: exit 0', () => {
    const { app, cluster } = safeApp(() => undefined);
    const result = check(app);
    expect(result.code).toBe(ExitCode.OK);
    expect(result.out).toContain('Clusters: 1 proven, 0 failing, 0 unproven.');
    expect([result.plugin, result.nag, cluster.node.validate()]).toEqual([[], [], []]);
  });

  test('a Fargate profile: the pods\' flows are lost in the replay (findings), and acknowledging them in the cluster settles all checkers', () => {
    const selectors = [{ namespace: 'batch' }];
    const { app } = safeApp((c) => {
      c.addNodegroup('Workers', { instanceTypes: [new ec2.InstanceType('m6i.large')] });
      c.addFargateProfile('Batch', { selectors });
    });
    const result = check(app);
    expect(result.code).toBe(ExitCode.FLOWS_FAIL);
    expect(result.out).toMatch(/ControlPlaneToNodesKubelet \(fargate-pods\): lost in replay/);
    expect(result.plugin).toContain('EksUpgradeSafety-EFL1[Flow::ControlPlaneToNodesKubelet::fargate-pods]');
    expect(result.nag).toEqual(result.plugin);

    const acknowledged = safeApp((c) => {
      c.addNodegroup('Workers', { instanceTypes: [new ec2.InstanceType('m6i.large')] });
      c.addFargateProfile('Batch', { selectors });
      for (const id of result.plugin) c.acknowledgeConnectivityFinding(id, 'Batch pods tolerate losing connectivity during an upgrade.');
    });
    const settled = check(acknowledged.app);
    expect(settled.code).toBe(ExitCode.OK);
    expect([settled.plugin, settled.nag, acknowledged.cluster.node.validate()]).toEqual([[], [], []]);
    expect(settled.out).toMatch(/acknowledged: Batch pods tolerate losing connectivity/);
  });

  test('only connectivity findings, with a reason, are recorded with the cluster', () => {
    const { cluster } = safeApp(() => undefined);
    expect(() => cluster.acknowledgeConnectivityFinding('EksUpgradeSafety-ECL2[LogExport::api]', 'no')).toThrow(/only connectivity findings/);
    expect(() => cluster.acknowledgeConnectivityFinding('EksUpgradeSafety-EUP1', ' ')).toThrow(/needs a reason/);
  });
});
