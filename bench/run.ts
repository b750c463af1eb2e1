/**
 * `npm run bench`: cost of the connectivity proof. Side by side in one run: 10 vs 100 clusters for
 * each stage (templates -> model, evaluate with replay, assembly on disk -> report as the CLI does it),
 * the per-cluster synth-time validation against the synthesis it is part of, and synthesis of the
 * example blue-green pair against a plain aws-eks-v2 app with one cluster, and where each one's cold
 * synthesis spends its time.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { pairSynthBench } from './pair-synth';
import { synthPhasesBench } from './synth-phases';
import { syntheticTemplates, writeAssembly } from './synthetic-assembly';
import { ClusterConnectivityValidation } from '../lib/checks/cluster-connectivity-validation';
import { FlowModel } from '../lib/model/flow-model';
import { SafeCluster } from '../lib/cluster/safe-cluster';

const RUNS = 11;
const SIZES = [10, 100];

/** Median and fastest of `runs` timed calls, in ms, after one warm-up call (module loading and JIT are not measured). */
function time(fn: () => void, runs = RUNS): { median: number; fastest: number } {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], fastest: times[0] };
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

function assemblyBench(): void {
  const results = SIZES.map((clusters) => {
    const templates = syntheticTemplates(clusters);
    const dir = writeAssembly(templates);
    const model = FlowModel.fromTemplates(templates);
    const report = model.evaluate();
    return {
      clusters,
      resources: templates.reduce((n, t) => n + Object.keys((t.template.Resources ?? {}) as object).length, 0),
      flows: report.flows.length,
      failing: report.flows.filter((f) => !f.allowedAfterReplay).length,
      build: time(() => FlowModel.fromTemplates(templates)),
      evaluate: time(() => model.evaluate()),
      endToEnd: time(() => FlowModel.fromAssemblyDirectory(dir).evaluate()),
    };
  });
  const [small, large] = results;
  const widths = [56, 14, 14, 12];
  const ratio = (a: number, b: number) => `${(b / a).toFixed(1)}x`;
  const timed = (label: string, pick: (r: (typeof results)[number]) => { median: number; fastest: number }) => {
    const [a, b] = [pick(small), pick(large)];
    const cell = (t: { median: number; fastest: number }) => `${t.median.toFixed(1)} / ${t.fastest.toFixed(1)}`;
    console.log(row([`${label}, ms (median / fastest)`, cell(a), cell(b), `${ratio(a.median, b.median)} / ${ratio(a.fastest, b.fastest)}`], widths));
  };
  console.log(`Flow model on a synthetic assembly (${RUNS} runs each, node ${process.version})`);
  console.log(row(['', `${small.clusters} clusters`, `${large.clusters} clusters`, 'ratio'], widths));
  console.log(row(['resources in the assembly', `${small.resources}`, `${large.resources}`, ratio(small.resources, large.resources)], widths));
  console.log(row(['flows evaluated (lost in replay)', `${small.flows} (${small.failing})`, `${large.flows} (${large.failing})`, ratio(small.flows, large.flows)], widths));
  timed('templates -> model', (r) => r.build);
  timed('evaluate with replay', (r) => r.evaluate);
  timed('assembly dir -> report (CLI path)', (r) => r.endToEnd);
}

/** Literal availability zones, so synthesis looks nothing up (bench/ does not import test/). */
class BenchStack extends Stack {
  public get availabilityZones(): string[] {
    return ['eu-west-1a', 'eu-west-1b'];
  }
}

function safeClusterApp(): { app: App; validation: ClusterConnectivityValidation } {
  const app = new App({ context: { '@aws-cdk/aws-eks:defaultToAL2023': true } });
  const stack = new BenchStack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), natGateways: 1 });
  Validations.of(vpc).acknowledge({ id: 'CloudFormation-Validate::W3010', reason: 'The bench pins availability zones so that synthesis looks nothing up.' });
  const cluster = new SafeCluster(stack, 'Payments', {
    clusterName: 'payments-blue', version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0,
  });
  cluster.addNodegroup('General', { instanceTypes: [new ec2.InstanceType('m6i.large')] });
  const cfnCluster = cluster.cluster.node.defaultChild as eks.CfnCluster;
  return { app, validation: new ClusterConnectivityValidation(cluster, cfnCluster) };
}

function validationBench(): void {
  const runs = 5;
  const synth = time(() => safeClusterApp().app.synth(), runs).median;
  // The validation measured alone, on a tree that synthesis has already prepared.
  const { app, validation } = safeClusterApp();
  app.synth();
  const validate = time(() => validation.validate(), runs).median;
  console.log('');
  console.log(`SafeCluster synth-time validation (one cluster and node group, median of ${runs} runs)`);
  console.log(row(['app.synth() including the validation, ms', synth.toFixed(1)], [44, 10]));
  console.log(row(['ClusterConnectivityValidation.validate(), ms', validate.toFixed(1)], [44, 10]));
  console.log(row(['share of synthesis', `${(100 * validate / synth).toFixed(1)}%`], [44, 10]));
}

assemblyBench();
validationBench();
pairSynthBench();
synthPhasesBench();
