import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExitCode, runCli } from '../../lib/cli/program';
import { pairAssemblyFileName, readStateFile } from '../../lib/blue-green/pair-state';

function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, writeFile: () => undefined });
  return { code, out, err };
}

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-pair-cli-'));
const blueLive = {
  upgradeStrategy: 'REPLACE',
  blue: { clusterName: 'payments-blue-1-33', deletionProtection: true, fingerprint: '0123456789abcdef', version: '1.33', weight: 100 },
  green: { clusterName: 'payments-green-1-33', deletionProtection: true, fingerprint: 'fedcba9876543210', version: '1.33', weight: 0 },
};

/** An assembly as `cdk synth` of a pair writes it, reduced to the file `pair record` reads. */
function assemblyWith(pair: object): string {
  const d = dir();
  fs.writeFileSync(path.join(d, pairAssemblyFileName('Payments')), JSON.stringify({ pair: 'Payments', ...pair }));
  return d;
}

describe('cdk-safe-eks pair', () => {
  test('record writes the assembly\'s pair into the state file, and status prints it back', () => {
    const stateFile = path.join(dir(), 'cdk-safe-eks.state.json');
    expect(cli('pair', 'record', '--pair', 'Payments', '--assembly', assemblyWith(blueLive), '--state-file', stateFile).err)
      .toContain(`the state file of blue-green pairs does not exist. Got: no such file. Fix: before the pair's first deploy, run \`npx cdk-safe-eks pair init --state-file ${stateFile}\``);
    expect(cli('pair', 'init', '--state-file', stateFile)).toEqual({ code: ExitCode.OK, err: '',
      out: `Wrote ${stateFile}: no pair recorded yet. Commit it; after each deploy, \`cdk-safe-eks pair record\` records the pair in it.\n` });
    expect(fs.readFileSync(stateFile, 'utf-8')).toBe('{\n  "formatVersion": 2,\n  "pairs": {}\n}\n');
    const recorded = cli('pair', 'record', '--pair', 'Payments', '--assembly', assemblyWith(blueLive), '--state-file', stateFile);
    expect(recorded.code).toBe(ExitCode.OK);
    expect(readStateFile(stateFile).pairs.Payments).toEqual(blueLive);
    // Sorted keys and a trailing newline: a commit of the file shows only what changed.
    expect(fs.readFileSync(stateFile, 'utf-8')).toMatch(/^\{\n {2}"formatVersion": 2,\n {2}"pairs": \{\n {4}"Payments": \{\n {6}"blue": \{\n {8}"clusterName"/);
    const status = cli('pair', 'status', '--state-file', stateFile);
    expect(status.out).toBe([
      `Pair Payments (upgrade strategy REPLACE; account and region not recorded), from ${stateFile}`,
      '  color  cluster              version  weight  deletion protection  fingerprint',
      '  Blue   payments-blue-1-33   1.33     100     on                   0123456789abcdef',
      '  Green  payments-green-1-33  1.33     0       on                   fedcba9876543210',
      '',
    ].join('\n'));
    // Recording again after Green is retired keeps other pairs and marks Green retired.
    cli('pair', 'record', '--pair', 'Payments', '--assembly', assemblyWith({ ...blueLive, green: undefined }), '--state-file', stateFile);
    expect(cli('pair', 'status', '--pair', 'Payments', '--state-file', stateFile).out).toMatch(/\n {2}Green +\(retired\) +- +0 +- +-\n/);
    // init never overwrites a state file: it may record deployed pairs.
    const again = cli('pair', 'init', '--state-file', stateFile);
    expect(again.code).toBe(ExitCode.UNUSABLE);
    expect(again.err).toBe(`cdk-safe-eks: ${stateFile}: there is a state file at this path already, and it may record deployed pairs. Got: it exists, with 1 pair(s) recorded. `
      + 'Fix: keep it (`cdk-safe-eks pair status` shows what it records); to start over for pairs that are not deployed, delete it yourself first\n');
  });

  test('plan prints the ordered runbook with the exact commands', () => {
    const stateFile = path.join(dir(), 'state.json');
    fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 2, pairs: { Payments: blueLive } }));
    const { code, out } = cli('pair', 'plan', '--pair', 'Payments', '--to', '1.35', '--state-file', stateFile);
    expect(code).toBe(ExitCode.OK);
    // The state file is not the default, so every printed `pair record` names it.
    const record = `npx cdk-safe-eks pair record --pair Payments --state-file ${stateFile}`;
    expect(out).toBe([
      'Upgrade plan for pair Payments (REPLACE): Blue 1.33 serves traffic (weight 100); Green 1.33 (weight 0) is idle and moves to 1.35.',
      'Only Payments-Green and Payments-Traffic change; Payments-Shared and Payments-Blue are never redeployed.',
      '',
      ' 1. Let CloudFormation replace the idle cluster: set green.deletionProtection to false.',
      `     npx cdk deploy Payments-Green && ${record}`,
      " 2. Edit the app: green: { version: eks.KubernetesVersion.of('1.35'), weight: 0 }; leave blue as it is.",
      '     npx cdk deploy Payments-Green',
      ' 3. Prove the new color before it gets traffic (every flow, also after the incident replay):',
      `     npx cdk synth && npx cdk-safe-eks verify cdk.out --replay && ${record}`,
      ' 4. Protect Green before it takes traffic: set green.deletionProtection to true (an update in place).',
      `     npx cdk deploy Payments-Green && ${record}`,
      ' 5. Shift 10% to Green: blue.weight 90, green.weight 10.',
      `     npx cdk deploy Payments-Traffic && ${record}`,
      ' 6. Observe Green (errors, latency, saturation). Roll back: blue.weight 100, green.weight 0; npx cdk deploy Payments-Traffic',
      ' 7. Shift 50% to Green: blue.weight 50, green.weight 50.',
      `     npx cdk deploy Payments-Traffic && ${record}`,
      ' 8. Observe Green (errors, latency, saturation). Roll back: blue.weight 100, green.weight 0; npx cdk deploy Payments-Traffic',
      ' 9. Shift 100% to Green: blue.weight 0, green.weight 100.',
      `     npx cdk deploy Payments-Traffic && ${record}`,
      '10. Observe. Blue (1.33) stays deployed at weight 0 as the rollback: blue.weight 100, green.weight 0, pair.acknowledgeRisk(PairColor.BLUE, PairRisk.WEIGHT_JUMP, \'rollback to Blue\'); npx cdk deploy Payments-Traffic',
      `11. Retire Blue when no rollback is needed (or keep it): blue.deletionProtection false; npx cdk deploy Payments-Blue && ${record};`,
      `     then remove blue from the app; npx cdk deploy Payments-Blue (its stack keeps one placeholder resource; \`cdk destroy\` it once the color is not coming back) && ${record}`,
      '',
    ].join('\n'));
  });

  test('plan with IN_PLACE walks one minor version at a time', () => {
    const stateFile = path.join(dir(), 'state.json');
    fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 2, pairs: { Payments: { ...blueLive, upgradeStrategy: 'IN_PLACE' } } }));
    const { out } = cli('pair', 'plan', '--pair', 'Payments', '--to', '1.35', '--state-file', stateFile);
    expect(out).not.toContain('deletionProtection to false');
    expect(out).toContain("green: { version: eks.KubernetesVersion.of('1.34'), weight: 0 } (in place, one minor version)");
    expect(out).toContain("green: { version: eks.KubernetesVersion.of('1.35'), weight: 0 } (in place, one minor version)");
    // The guard compares each step with the recorded version, so every intermediate step is recorded before the next.
    expect(out).toContain(`(in place, one minor version); leave blue as it is.\n     npx cdk deploy Payments-Green && npx cdk-safe-eks pair record --pair Payments --state-file ${stateFile}\n`);
    expect(out.match(/pair record --pair Payments/g)!.length).toBeGreaterThanOrEqual(2 + 3 + 1);
  });

  test('plan refuses what it cannot plan, with exit 2 and a message', () => {
    const stateFile = path.join(dir(), 'state.json');
    expect(cli('pair', 'plan', '--pair', 'Payments', '--to', '1.35', '--state-file', stateFile).err)
      .toContain(`${stateFile}: the state file of blue-green pairs does not exist.`);
    fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 2, pairs: {} }));
    expect(cli('pair', 'plan', '--pair', 'Payments', '--to', '1.35', '--state-file', stateFile)).toEqual({ code: ExitCode.UNUSABLE, out: '',
      err: `cdk-safe-eks: ${stateFile}: pair "Payments" is not recorded in the state file. Got: no pair recorded yet. `
        + `Fix: run \`npx cdk-safe-eks pair record --pair Payments --state-file ${stateFile}\` after the pair's deploy\n` });
    fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 1, pairs: { Payments: { ...blueLive, blue: { ...blueLive.blue, weight: 90 }, green: { ...blueLive.green, weight: 10 } } } }));
    const split = cli('pair', 'plan', '--pair', 'Payments', '--to', '1.35', '--state-file', stateFile);
    expect(split).toEqual({ code: ExitCode.UNUSABLE, out: '', err: 'cdk-safe-eks: traffic is split between the colors; finish the shift (one color at weight 100) and record before planning an upgrade\n' });
    expect(cli('pair', 'plan', '--pair', 'Payments', '--to', '1.035', '--state-file', stateFile).err)
      .toBe('cdk-safe-eks: --to must be a Kubernetes minor version such as 1.35; got "1.035"\n');
    fs.writeFileSync(stateFile, '{ not json');
    const broken = cli('pair', 'status', '--state-file', stateFile);
    expect(broken.code).toBe(ExitCode.UNUSABLE);
    expect(broken.err).toContain('is not valid JSON');
    fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 1, pairs: { Payments: { ...blueLive, blue: { ...blueLive.blue, resources: { Cluster: 'AWS::EKS::Cluster' } } } } }));
    expect(cli('pair', 'status', '--state-file', stateFile).err)
      .toContain('pair "Payments" color blue: "resources" must map logical IDs to {"Type": ..., "Properties": ...}. Fix: restore the file from version control');
    const empty = dir();
    const initialized = path.join(dir(), 'new.json');
    cli('pair', 'init', '--state-file', initialized);
    expect(cli('pair', 'record', '--pair', 'Payments', '--assembly', empty, '--state-file', initialized).err)
      .toContain(`${empty}: the assembly, nested assemblies included, has no file of pair "Payments". Got: no pair file, in it or in a nested assembly (assembly-<Stage>).`);
  });
});
