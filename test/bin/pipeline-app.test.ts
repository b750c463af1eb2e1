import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { PAIR_STAGES, TOOLS_ENV, buildPipelineApp } from '../../bin/pipeline-app';
import { readStateFile } from '../../lib/blue-green/pair-state';
import { ExitCode, runCli } from '../../lib/cli/program';
import { tempDir, tempStateFile } from '../blue-green/pair-app';
import { testApp } from '../helpers';

function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, writeFile: () => undefined });
  return { code, out, err };
}

interface PipelineStage { readonly Name: string; readonly Actions: { readonly Name: string; readonly Region?: string; readonly Configuration: { readonly StackName?: string } }[] }

describe('the pipeline example: the pair in two accounts and regions, in waves', () => {
  const stateFile = tempStateFile();
  let assembly: CloudAssembly;

  beforeAll(() => {
    const outdir = tempDir();
    assembly = buildPipelineApp(new App({ outdir, context: testApp().node.getAllContext() }), { pair: { stateFile } }).synth();
  });

  test('synthesizes offline: no lookups, no warning, no validation finding, one nested assembly per Stage', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(assembly.nestedAssemblies.map((n) => n.directoryName).sort()).toEqual(['assembly-EuWest1', 'assembly-UsEast1']);
    const stacks = [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks)];
    expect(stacks.flatMap((s) => s.messages.filter((m) => m.level !== 'info').map((m) => `${s.displayName} ${m.level}: ${m.entry.data}`))).toEqual([]);
    const reportFile = path.join(assembly.directory, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf-8')) as { pluginReports: { violations: unknown[] }[] } : { pluginReports: [] };
    expect(report.pluginReports.flatMap((p) => p.violations)).toEqual([]);
  });

  test('the pipeline deploys all four stacks of a Stage\'s pair in its wave, EuWest1 before UsEast1, each in its account and region', () => {
    const template = assembly.getStackByName('PaymentsPipeline').template as { Resources: { [id: string]: { Type: string; Properties: { Stages: PipelineStage[] } } } };
    const pipeline = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!;
    const stages = pipeline.Properties.Stages;
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'EuWest1', 'UsEast1']);
    for (const { id, env } of PAIR_STAGES) {
      const deploys = stages.find((s) => s.Name === id)!.Actions.filter((a) => a.Name.endsWith('.Deploy'));
      expect(deploys.map((a) => a.Configuration.StackName).sort()).toEqual(['Blue', 'Green', 'Shared', 'Traffic'].map((c) => `${id}-Payments-${c}`));
      expect(new Set(deploys.map((a) => a.Region ?? TOOLS_ENV.region))).toEqual(new Set([env.region]));
    }
    expect(PAIR_STAGES.map((s) => s.env.account)).toEqual(['111111111111', '222222222222']);
  });

  test('verify over the top-level assembly proves every flow of both colors in both regions', () => {
    const { code, out } = cli('verify', assembly.directory);
    expect(code).toBe(ExitCode.OK);
    for (const { id } of PAIR_STAGES) {
      for (const color of ['Blue', 'Green']) expect(out).toMatch(new RegExp(`(^|\\n)Cluster assembly-${id}/${id}Payments${color}[0-9A-F]{8}/Cluster`));
    }
    expect(out).toContain('Clusters: 4 proven, 0 failing, 0 unproven.');
    expect(out).toMatch(/OK: all \d+ required flows hold before and after the replay\./);
  });

  test('after the pipeline\'s deploy, pair record records each Stage\'s pair into the one state file', () => {
    for (const { id } of PAIR_STAGES) {
      expect(cli('pair', 'record', '--pair', `${id}/Payments`, '--assembly', assembly.directory, '--state-file', stateFile).code).toBe(ExitCode.OK);
    }
    const { pairs } = readStateFile(stateFile);
    expect(Object.fromEntries(Object.entries(pairs).map(([p, e]) => [p, [e.account, e.region]]))).toEqual(
      Object.fromEntries(PAIR_STAGES.map((s) => [`${s.id}/Payments`, [s.env.account, s.env.region]])));
  });
});
