import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { buildApp } from '../../bin/app';
import { ExitCode, runCli } from '../../lib/cli/program';
import { ChangeKind, ChangeReport } from '../../lib/model/change-verdicts';
import { ConnectivityReport } from '../../lib/model/flow-model';
import { RequiredFlows } from '../../lib/model/required-flows';
import { buildPlainEksApp } from '../fixtures/plain-eks-app';
import { testApp } from '../helpers';

function cli(...args: string[]) {
  let out = '';
  let err = '';
  const files: { [file: string]: string } = {};
  const code = runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, writeFile: (f, t) => { files[f] = t; } });
  return { code, out, err, files };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-cli-'));
}

const TABLE = RequiredFlows.all().map((f) => f.id);
const exampleFlows = () => (JSON.parse(cli('verify', example, '--json').out) as ConnectivityReport).flows;
let example: string;
let plain: string;

beforeAll(() => {
  example = buildApp(new App({ outdir: tempDir(), context: testApp().node.getAllContext() })).synth().directory;
  plain = buildPlainEksApp().synth().directory;
});

describe('cdk-safe-eks verify', () => {
  test('example app: every required flow holds before and after the replay, exit 0', () => {
    const { code, out, err } = cli('verify', example);
    expect(err).toBe('');
    expect(code).toBe(ExitCode.OK);
    expect(out).toContain('Cluster Payments-Blue/Cluster');
    expect(out).toContain('Cluster Payments-Green/Cluster');
    for (const id of TABLE) expect(out).toMatch(new RegExp(`\\n  ${id} .* pass +pass\\n`));
    // The example's database and cache are flows of the cluster too.
    expect(out).toMatch(/\n {2}NodesToDatabase +nodes -> database \[Payments-Shared\/\w+ \(AWS::RDS::DBCluster\)\] +tcp +5432 +pass +pass\n/);
    expect(out.trimEnd().split('\n').pop()).toBe(`OK: all ${exampleFlows().length} required flows hold before and after the replay.`);
  });

  test('plain aws-eks-v2 app: each flow, the database included, is reported lost in the replay, exit 1', () => {
    const { code, out } = cli('verify', plain, '--replay');
    expect(code).toBe(ExitCode.FLOWS_FAIL);
    for (const id of [...TABLE, 'NodesToDatabase']) {
      expect(out).toMatch(new RegExp(`\\n  PlainEks/Cluster\\w+ ${id}( \\[[^\\]]+\\])?: lost in replay: rests on the EKS-created group`));
      expect(out).toMatch(new RegExp(`\\n  PlainEks/Cluster\\w+ ${id}( \\[[^\\]]+\\])?: LOST\\n`));
    }
    expect(out).toMatch(/NodesToDatabase \[PlainData\/Db\w+ \(AWS::RDS::DBInstance\)\]: LOST\n.*\n +\[EKS-created\]|\[EKS-created\]/);
    expect(out).toContain(`FAILED: ${TABLE.length + 1} of ${TABLE.length + 1} required flows fail (0 missing, ${TABLE.length + 1} lost in the replay).`);
  });

  test('--json prints the report: every flow allowed before, none after', () => {
    const { code, out } = cli('verify', plain, '--json');
    expect(code).toBe(ExitCode.FLOWS_FAIL);
    const report = JSON.parse(out) as ConnectivityReport;
    expect(report.passed).toBe(false);
    expect(report.flows.map((f) => [f.flowId, f.allowedBefore, f.allowedAfterReplay])).toEqual(
      [...TABLE, 'NodesToDatabase'].map((id) => [id, true, false]));
    const db = report.flows.find((f) => f.flowId === 'NodesToDatabase')!;
    expect(db.restsOn).toEqual(expect.arrayContaining([expect.objectContaining({ stack: 'PlainData', direction: 'ingress', onEksCreatedGroup: true })]));
  });

  test('--no-webhook-flows leaves the webhook flows out', () => {
    const { out } = cli('verify', example, '--no-webhook-flows');
    expect(out).not.toContain('Webhook');
    // The example declares webhook ports of its own (15017, 8080) besides the five of the table.
    expect(out).toContain(`OK: all ${exampleFlows().filter((f) => !f.flowId.includes('Webhook')).length} required flows hold`);
  });
});

describe('cdk-safe-eks report', () => {
  test('mermaid: groups as nodes, EKS-created groups and edges highlighted', () => {
    const { code, out } = cli('report', plain, '--format', 'mermaid');
    expect(code).toBe(ExitCode.OK);
    expect(out.startsWith('flowchart LR\n')).toBe(true);
    expect(out).toMatch(/g\d+\["PlainEks\/Cluster\w+<br\/>EKS-created cluster SG"\]:::vendor/);
    expect(out).toMatch(/g\d+ -\.->\|"tcp 5432"\| g\d+/);
    expect(out).toMatch(/\n {2}linkStyle [\d,]+ stroke:#c62828/);
  });

  test('example app in markdown: a diagram with only owned edges and the flow table, written to --output', () => {
    const { code, out, files } = cli('report', example, '--format', 'md', '-o', 'report.md');
    expect(code).toBe(ExitCode.OK);
    expect(out).toBe('');
    const md = files['report.md'];
    expect(md).toContain('```mermaid\nflowchart LR\n');
    expect(md).not.toContain('-.->');
    expect(md).not.toContain('linkStyle');
    expect(md).toContain(`All ${exampleFlows().length} required flows hold`);
    expect(md.match(/\n\| Payments-(Blue|Green)\/Cluster\w+ \| /g)).toHaveLength(exampleFlows().length);
  });
});

describe('cdk-safe-eks on input it cannot use', () => {
  test.each([
    ['a missing directory', () => path.join(tempDir(), 'nope'), /does not exist/],
    ['a directory without manifest.json', () => tempDir(), /is not a cloud assembly: it has no manifest.json/],
    ['a manifest that is not JSON', () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'manifest.json'), '{ "artifacts": ');
      return dir;
    }, /manifest.json is not valid JSON/],
  ])('%s: clear message, exit 2, no stack trace', (_name, dir, message) => {
    const { code, out, err } = cli('verify', dir());
    expect(code).toBe(ExitCode.UNUSABLE);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  test('a template cut short fails closed: exit 2 naming the file, no verdict on the other stacks', () => {
    const dir = tempDir();
    fs.cpSync(plain, dir, { recursive: true });
    const data = fs.readdirSync(dir).find((f) => f.startsWith('PlainData') && f.endsWith('.template.json'))!;
    const file = path.join(dir, data);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 200));
    for (const command of [['verify', dir], ['verify', dir, '--replay'], ['report', dir], ['diff', plain, dir]]) {
      const { code, out, err } = cli(...command);
      expect([command, code, out]).toEqual([command, ExitCode.UNUSABLE, '']);
      expect(err).toContain(`${dir}: a file of the assembly cannot be read, so nothing is proven from it. Got: stack PlainData: template ${file} is not valid JSON (`);
      expect(err).toContain('Fix: synthesize again (`cdk synth`)');
    }
  });

  test.each([[['verify']], [['verify', 'x', '--bogus']], [['report', 'x', '--format', 'pdf']], [['explode']]])('usage error %j exits 2', (args) => {
    const { code, err } = cli(...args);
    expect(code).toBe(ExitCode.UNUSABLE);
    expect(err).toMatch(/^error: /);
  });

  test('the bin shim without a build says how to build and exits 2, without a stack trace', () => {
    // The shim alone, as in a clone before `npm run build`; test/package.test.ts runs it on a real build.
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'bin'));
    const shim = path.join(dir, 'bin', 'cdk-safe-eks.js');
    fs.copyFileSync(path.join(__dirname, '..', '..', 'bin', 'cdk-safe-eks.js'), shim);
    const run = spawnSync(process.execPath, [shim, 'verify', example], { encoding: 'utf8' });
    expect(run.status).toBe(ExitCode.UNUSABLE);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^cdk-safe-eks: the compiled CLI .*dist.lib.cli.main\.js is missing\. .*`npm run build`/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cdk-safe-eks diff', () => {
  let olderVersion: string;
  beforeAll(() => {
    olderVersion = buildApp(new App({ outdir: tempDir(), context: testApp().node.getAllContext() }),
      { idleVersion: eks.KubernetesVersion.V1_33 }).synth().directory;
  });

  test('two assemblies of the example pair that differ only in the idle color\'s version: its cluster is replaced by design, exit 0', () => {
    const { code, out, err } = cli('diff', olderVersion, example);
    expect(err).toBe('');
    expect(code).toBe(ExitCode.OK);
    // The REPLACE strategy renames the idle color's cluster per version: weight 0 and no deletion protection make that safe.
    expect(out).toMatch(/\n {4}replaced +Payments-Green\/\w+ +AWS::EKS::Cluster {2}Name \(create-only: Name\) changes\n/);
    expect(out).toContain('the idle Green cluster of pair Payments (weight 0, not protected) is replaced at its new version');
    // Besides the cluster: its four add-ons and the controller's two Pod Identity pieces go with it (ClusterName is
    // create-only), its five guardrail alarms are named after the cluster's name (replaced), its rules describe it (updated).
    expect(out).toMatch(/\n {4}replaced +Payments-Green\/\w+ +AWS::EKS::Addon /);
    expect(out.trimEnd().split('\n').pop()).toMatch(/^SAFE: .* \(14 replaced, 6 updated, \d+ unchanged\)\.$/);
  });

  test('--json lists every resource of both assemblies with its verdict', () => {
    const { code, out } = cli('diff', olderVersion, example, '--json');
    expect(code).toBe(ExitCode.OK);
    const report = JSON.parse(out) as ChangeReport;
    const templates = fs.readdirSync(example).filter((f) => f.endsWith('.template.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(example, f), 'utf8')) as { Resources: object });
    expect(report.resources).toHaveLength(templates.reduce((n, t) => n + Object.keys(t.Resources).length, 0));
    const changed = report.resources.filter((r) => r.change !== ChangeKind.UNCHANGED);
    expect(changed.every((r) => r.stack === 'Payments-Green' && !r.unsafe)).toBe(true);
    expect(changed).toEqual(expect.arrayContaining([expect.objectContaining({
      stack: 'Payments-Green', type: 'AWS::EKS::Cluster', change: ChangeKind.REPLACED, unsafe: false,
    })]));
    expect(report).toMatchObject({ safe: true, findings: [], stacksAdded: [], stacksRemoved: [] });
  });

  test('before may be a directory of deployed templates (<StackName>.json, bare or as get-template wrote it)', () => {
    const deployed = tempDir();
    for (const file of fs.readdirSync(olderVersion).filter((f) => f.endsWith('.template.json'))) {
      const body = fs.readFileSync(path.join(olderVersion, file), 'utf8');
      const stackName = file.replace('.template.json', '');
      fs.writeFileSync(path.join(deployed, `${stackName}.json`),
        stackName === 'Payments-Shared' ? JSON.stringify({ TemplateBody: body, StagesAvailable: ['Original', 'Processed'] }) : body);
    }
    const { code, out } = cli('diff', deployed, example, '--format', 'md');
    expect(code).toBe(ExitCode.OK);
    expect(out).toContain(`## cdk-safe-eks diff: \`${deployed}\` -> \`${example}\``);
    expect(out).toMatch(/\n\| replaced \| `Payments-Green\/\w+` \| AWS::EKS::Cluster \| Name \(create-only: Name\) changes \|\n/);
  });

  test('an unsafe change exits 4 and names each finding', () => {
    const { code, out } = cli('diff', example, plain);
    expect(code).toBe(ExitCode.UNSAFE_CHANGE);
    expect(out).toContain('Stack Payments-Blue: removed');
    expect(out).toMatch(/\n {2}\[protected-removed\] Payments-Blue\/\w+: stack Payments-Blue is removed while the cluster is deletion-protected/);
    expect(out).toMatch(/\nUNSAFE: \d+ findings/);
  });

  test.each([
    ['a missing directory', () => path.join(tempDir(), 'nope'), /is not a directory/],
    ['a directory with no template', () => tempDir(), /holds no cloud assembly \(manifest.json\) and no template/],
    ['templates that are not JSON', () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'Stack.json'), 'Resources:\n  A: {}');
      return dir;
    }, /Stack.json: not valid JSON [\s\S]*save templates as JSON/],
  ])('%s: clear message, exit 2, no stack trace', (_name, dir, message) => {
    const { code, out, err } = cli('diff', dir(), example);
    expect(code).toBe(ExitCode.UNUSABLE);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe('the command line', () => {
  test('one exit code per meaning', () => {
    const codes = Object.values(ExitCode).filter((v): v is number => typeof v === 'number');
    expect(new Set(codes).size).toBe(codes.length);
    expect(ExitCode).toMatchObject({ OK: 0, FLOWS_FAIL: 1, UNUSABLE: 2, UNPROVEN: 3, UNSAFE_CHANGE: 4 });
  });

  test('--no-webhook-flows is the same option, with the same help, on every command that proves flows', () => {
    // Help text wraps at its own column per command: compare it with whitespace collapsed.
    const help = (command: string) => cli(command, '--help').out.replace(/\s+/g, ' ');
    const option = (command: string) => /--no-webhook-flows (.*?) -h, --help/.exec(help(command))?.[1];
    expect(option('verify')).toMatch(/^do not require the webhook flows \(4443, 6443, 8443, 9443, 10251\) of any cluster; SafeClusters record their own choice/);
    expect(option('report')).toBe(option('verify'));
    expect(option('diff')).toBe(option('verify'));
    expect(help('verify')).toContain(`exit ${ExitCode.FLOWS_FAIL} when a required flow fails before or after the replay, ${ExitCode.UNPROVEN} when a cluster could not be proven`);
    expect(help('diff')).toContain(`exit ${ExitCode.UNSAFE_CHANGE} when it replaces or deletes a cluster`);
  });
});
