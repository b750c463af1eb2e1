import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExitCode, runCli } from '../../lib/cli/program';
import { pairAssemblyFileName, readStateFile } from '../../lib/blue-green/pair-state';
import { coveredMinors } from '../../lib/model/addon-versions';

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
      // An entry recorded before the versions were says so, and how to learn them, rather than printing nothing.
      `  Blue: add-ons not recorded; node groups not recorded (the entry predates them: \`npx cdk-safe-eks pair record --pair Payments --state-file ${stateFile}\` after a synth of the app as deployed records them)`,
      `  Green: add-ons not recorded; node groups not recorded (the entry predates them: \`npx cdk-safe-eks pair record --pair Payments --state-file ${stateFile}\` after a synth of the app as deployed records them)`,
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

  test('record keeps each color\'s add-on and node group versions, and status shows them', () => {
    const stateFile = path.join(dir(), 'cdk-safe-eks.state.json');
    cli('pair', 'init', '--state-file', stateFile);
    const green = { ...blueLive.green, addons: { 'vpc-cni': 'v1.21.1-eksbuild.7', 'coredns': 'v1.12.4-eksbuild.18' },
      nodegroups: { General: { version: '1.33', releaseVersion: '1.33.13-20260714' }, Batch: {} } };
    expect(cli('pair', 'record', '--pair', 'Payments', '--assembly', assemblyWith({ ...blueLive, green }), '--state-file', stateFile).code).toBe(ExitCode.OK);
    expect(readStateFile(stateFile).pairs.Payments.green).toEqual(green);
    expect(cli('pair', 'status', '--state-file', stateFile).out.split('\n').slice(4)).toEqual([
      expect.stringMatching(/^ {2}Blue: add-ons not recorded; node groups not recorded \(the entry predates them/),
      '  Green: add-ons coredns v1.12.4-eksbuild.18, vpc-cni v1.21.1-eksbuild.7; node groups Batch (version and AMI release not pinned), General 1.33 (AMI release 1.33.13-20260714)',
      '',
    ]);
  });

  test('a state file with versions of the wrong shape is refused, one without them is read as it is', () => {
    const stateFile = path.join(dir(), 'state.json');
    const write = (green: object) => fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 2, pairs: { Payments: { ...blueLive, green: { ...blueLive.green, ...green } } } }));
    write({ addons: { coredns: 1 } });
    expect(cli('pair', 'status', '--state-file', stateFile).err).toContain('pair "Payments" color green: "addons" must map add-on names to versions.');
    write({ nodegroups: { General: { version: 1.33 } } });
    expect(cli('pair', 'status', '--state-file', stateFile).err).toContain('pair "Payments" color green: "nodegroups" must map node group IDs to {"version": ..., "releaseVersion": ..., "amiType": ...} (strings, each optional).');
    write({});
    expect(readStateFile(stateFile).pairs.Payments).toEqual(blueLive);
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
    fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 2, pairs: { Payments: blueLive } }));
    expect(cli('pair', 'plan', '--pair', 'Payments', '--to', '1.99', '--state-file', stateFile)).toEqual({ code: ExitCode.UNUSABLE, out: '',
      err: `cdk-safe-eks: the library's tables list no add-on versions or AMI release for Kubernetes 1.99 (the add-on table covers ${coveredMinors().join(', ')}), `
        + 'so the plan cannot name the versions the idle color moves to; upgrade cdk-safe-eks for newer tables, or plan to a version they cover\n' });
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
