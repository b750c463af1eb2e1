import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { App, Stage } from 'aws-cdk-lib';
import { ENV, US_EAST_1, addPair, buildStageApp, color, tempDir, tempStateFile } from './pair-app';
import { readStateFile } from '../../lib/blue-green/pair-state';
import { PairColor, PairRisk } from '../../lib';
import { ExitCode, runCli } from '../../lib/cli/program';
import { testApp } from '../helpers';

const { V1_33, V1_34 } = eks.KubernetesVersion;

function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, writeFile: () => undefined });
  return { code, out, err };
}

/** What `cdk list` prints for an assembly: each stack's display name (its hierarchical ID), nested assemblies included. */
function cdkList(dir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8')) as {
    artifacts: { [id: string]: { type: string; displayName?: string; properties?: { directoryName?: string } } };
  };
  return Object.entries(manifest.artifacts).flatMap(([id, a]) => a.type === 'aws:cloudformation:stack' ? [a.displayName ?? id]
    : a.type === 'cdk:cloud-assembly' ? cdkList(path.join(dir, a.properties!.directoryName!)) : []);
}

const deployed = { blue: color(V1_33, 100), green: color(V1_33, 0, { deletionProtection: false }) };

test('two Stages in one account and region: the clash of their pairs\' cluster names is fixed with each pair\'s namePrefix', () => {
  const app = new App({ outdir: tempDir(), context: testApp().node.getAllContext() });
  const stateFile = tempStateFile();
  for (const stage of ['Blue1', 'Blue2']) addPair(new Stage(app, stage, { env: ENV }), { ...deployed, stateFile });
  expect(() => app.synth()).toThrow('Another EKS cluster in the same account and region has the cluster name "payments-blue-1-33"; EKS cluster names are unique per account and region, '
    + 'so the second deploy fails. Got: Blue2/Payments-Blue/Cluster/Cluster named "payments-blue-1-33" in 111111111111/eu-west-1. Fix: give each BlueGreenClusterPair in this account and region '
    + 'its own `namePrefix` (its clusters are named <namePrefix>-<color>, and it defaults to the pair\'s ID in lowercase)');
});

test('diff reads each Stage\'s cluster with its own Stage\'s weights: a live Green in UsEast1 is not taken for EuWest1\'s idle one', () => {
  const build = (usGreen: eks.KubernetesVersion) => {
    const app = new App({ outdir: tempDir(), context: testApp().node.getAllContext() });
    const stateFile = tempStateFile();
    addPair(new Stage(app, 'EuWest1', { env: ENV }), { ...deployed, stateFile });
    const us = addPair(new Stage(app, 'UsEast1', { env: US_EAST_1 }), { blue: color(V1_33, 0), green: color(usGreen, 100, { deletionProtection: false }), stateFile }, US_EAST_1);
    us.acknowledgeRisk(PairColor.GREEN, PairRisk.UNPROTECTED_LIVE_COLOR, 'a test of the diff');
    return app.synth().directory;
  };
  const { code, out } = cli('diff', build(V1_33), build(V1_34));
  expect(code).toBe(ExitCode.UNSAFE_CHANGE);
  expect(out).not.toContain('the idle Green cluster of pair');
});

describe('pairs in two Stages, recorded into one state file', () => {
  const stateFile = tempStateFile();
  const outdir = tempDir();

  beforeAll(() => {
    buildStageApp(stateFile, { EuWest1: deployed, UsEast1: deployed }, outdir).synth();
  });

  test('pair record finds each Stage\'s pair from the top-level cdk.out, and both entries stay, each with its account and region', () => {
    for (const pair of ['EuWest1/Payments', 'UsEast1/Payments']) {
      expect(cli('pair', 'record', '--pair', pair, '--assembly', outdir, '--state-file', stateFile).code).toBe(ExitCode.OK);
    }
    const { pairs } = readStateFile(stateFile);
    expect(Object.keys(pairs).sort()).toEqual(['EuWest1/Payments', 'UsEast1/Payments']);
    expect(pairs['EuWest1/Payments']).toMatchObject({ account: ENV.account, region: ENV.region, blue: { version: '1.33', weight: 100 } });
    expect(pairs['UsEast1/Payments']).toMatchObject({ account: US_EAST_1.account, region: US_EAST_1.region, blue: { version: '1.33', weight: 100 } });
    expect(pairs['EuWest1/Payments'].blue!.clusterName).toBe(pairs['UsEast1/Payments'].blue!.clusterName);
  });

  test('an unknown pair exits 2 naming the ones there are: in the assembly for record, in the state file for status and plan', () => {
    const record = cli('pair', 'record', '--pair', 'Payments', '--assembly', outdir, '--state-file', stateFile);
    expect(record.code).toBe(ExitCode.UNUSABLE);
    expect(record.err).toContain(`${outdir}: the assembly, nested assemblies included, has no file of pair "Payments". Got: pairs EuWest1/Payments, UsEast1/Payments.`);
    const status = cli('pair', 'status', '--pair', 'Wrong', '--state-file', stateFile);
    expect(status.code).toBe(ExitCode.UNUSABLE);
    expect(status.err).toContain('pair "Wrong" is not recorded in the state file. Got: pairs EuWest1/Payments, UsEast1/Payments.');
    expect(cli('pair', 'plan', '--pair', 'Wrong', '--to', '1.34', '--state-file', stateFile).code).toBe(ExitCode.UNUSABLE);
  });

  test('pair plan for a Stage\'s pair prints commands that work as printed: stacks as `cdk list` names them, and the flags of this setup', () => {
    const { code, out } = cli('pair', 'plan', '--pair', 'EuWest1/Payments', '--to', '1.34', '--state-file', stateFile, '--assembly', outdir);
    expect(code).toBe(ExitCode.OK);
    const selectors = [...out.matchAll(/npx cdk deploy (\S+)/g)].map((m) => m[1]);
    // The Traffic stack moves with `pair shift`, which finds it in the assembly.
    expect(new Set(selectors)).toEqual(new Set(['EuWest1/Payments-Green', 'EuWest1/Payments-Blue']));
    const listed = cdkList(outdir);
    expect(listed).toEqual(expect.arrayContaining(['EuWest1/Payments-Shared', 'UsEast1/Payments-Green']));
    expect(selectors.filter((s) => !listed.includes(s))).toEqual([]);
    expect(out).toContain(`Only EuWest1/Payments-Green and EuWest1/Payments-Traffic change; EuWest1/Payments-Shared and EuWest1/Payments-Blue are never redeployed.`);
    const commands = [...out.matchAll(/npx cdk-safe-eks pair (record|shift|check) [^;&\n]+/g)].map((m) => m[0].trim());
    const flags = `--assembly ${outdir} --state-file ${stateFile}`;
    expect(new Set(commands)).toEqual(new Set([
      `npx cdk-safe-eks pair record --pair EuWest1/Payments ${flags}`,
      `npx cdk-safe-eks pair shift --pair EuWest1/Payments ${flags}`,
      `npx cdk-safe-eks pair check --pair EuWest1/Payments --color green ${flags}`,
    ]));
    expect(out).toContain(`npx cdk synth -o ${outdir} && npx cdk-safe-eks verify ${outdir} --replay`);
  });

  test('the CDK CLI\'s own `cdk list` of the assembly holds every stack the plan deploys', () => {
    const cdk = spawnSync(process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'list', '--app', outdir], { encoding: 'utf-8', cwd: tempDir() });
    expect(cdk.status).toBe(0);
    const lines = cdk.stdout.split('\n');
    for (const stack of ['EuWest1/Payments-Green', 'EuWest1/Payments-Traffic', 'EuWest1/Payments-Blue']) {
      expect(lines.some((l) => l === stack || l.startsWith(`${stack} `))).toBe(true);
    }
  });

  test('a live-color version bump in one Stage is refused naming that pair, the color and the version; the other Stage is unaffected', () => {
    const bumped = { ...deployed, blue: color(V1_34, 100) };
    // UsEast1 moves its idle color at the same time, which its guard allows.
    const idleMoved = { ...deployed, green: color(V1_34, 0, { deletionProtection: false }) };
    let message = '';
    try {
      buildStageApp(stateFile, { EuWest1: bumped, UsEast1: idleMoved }).synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/EuWest1\/Payments: color Blue: it serves traffic \(recorded weight 100, new weight 100\), so its cluster must not change; got version 1\.33 -> 1\.34/);
    expect(message).not.toContain('UsEast1');
    expect(() => buildStageApp(stateFile, { EuWest1: deployed, UsEast1: idleMoved }).synth()).not.toThrow();
  });
});
