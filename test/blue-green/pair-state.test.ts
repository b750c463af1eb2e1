import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ENV, addPair, buildPairApp, color, tempDir, tempStateFile } from './pair-app';
import { recordPair } from '../../lib/cli/pair';
import { PairStateFile, readStateFile, recordedPairAt } from '../../lib/blue-green/pair-state';
import { refusal, testApp } from '../helpers';

const V1_33 = eks.KubernetesVersion.V1_33;
const blueLive = {
  upgradeStrategy: 'REPLACE',
  blue: { clusterName: 'payments-blue-1-33', deletionProtection: true, fingerprint: '0123456789abcdef', version: '1.33', weight: 100 },
};
const HERE = { path: 'Payments', id: 'Payments', account: ENV.account, region: ENV.region };

describe('the state file of blue-green pairs', () => {
  test('is required: synthesis without it names the absolute path it looked for and `pair init`', () => {
    const missing = path.join('mis', 'no-such.state.json');
    const e = refusal(() => buildPairApp({ blue: color(V1_33, 100), stateFile: missing }));
    expect(e.message).toBe(`Payments: the state file of blue-green pairs does not exist. Got: ${path.resolve(missing)}: no such file. `
      + 'Fix: before the pair\'s first deploy, run `npx cdk-safe-eks pair init --state-file mis/no-such.state.json` beside cdk.json and commit the file; '
      + 'once the pair is deployed, restore the file from version control (`git checkout -- <file>`) instead, since an empty state would let the guards take a live color for an idle one');
    expect(e.code).toBe('PairStateMissing');
  });

  test('a corrupt file is mended from version control, never by deleting it', () => {
    const broken = tempStateFile();
    fs.writeFileSync(broken, '{ not json');
    const e = refusal(() => buildPairApp({ blue: color(V1_33, 100), stateFile: broken }));
    expect(e.message).toContain('Fix: restore the file from version control (`git checkout -- <file>`); it records what is deployed, so do not replace it with a new one');
    expect(e.message).not.toMatch(/delete/i);
  });

  test('an entry recorded for another account or region is refused in its own words', () => {
    const other = tempStateFile({ formatVersion: 2, pairs: { Payments: { ...blueLive, account: '222222222222', region: 'eu-west-1' } } });
    const e = refusal(() => buildPairApp({ blue: color(V1_33, 100), stateFile: other }));
    expect(e.code).toBe('PairStateEnvironment');
    expect(e.message).toBe(`Payments: the state file's entry for this pair was recorded in another account, so it says nothing of what is deployed where the pair deploys now. `
      + `Got: ${other}: entry "Payments" recorded for account 222222222222, region eu-west-1; the pair deploys to account 111111111111, region eu-west-1. `
      + 'Fix: give each account and region its own entry: one Stage per environment (the entry is keyed by the pair\'s path, e.g. EuWest1/Payments) or one stateFile per environment; '
      + 'if the pair moved here on purpose, nothing of it is deployed here yet: remove entry "Payments" from the file, deploy, then run `npx cdk-safe-eks pair record --pair Payments`');
    const otherRegion = { formatVersion: 2, pairs: { Payments: { ...blueLive, account: ENV.account, region: 'us-east-1' } } };
    expect(() => recordedPairAt(otherRegion, 'f', HERE)).toThrow('was recorded in another region');
    // A pair whose account is not literal (env-agnostic) was recorded without one: nothing to compare.
    expect(recordedPairAt({ formatVersion: 2, pairs: { Payments: { ...blueLive, region: ENV.region } } }, 'f', HERE)).toEqual({ ...blueLive, region: ENV.region });
  });

  describe('a file of 0.1 (format 1: keyed by pair ID, no account or region)', () => {
    const v01 = { formatVersion: 1, pairs: { Payments: blueLive } };

    test('is read as the current format: a pair of the App finds its entry under its ID, which is its path', () => {
      const state = readStateFile(tempStateFile(v01));
      expect(state).toEqual({ formatVersion: 2, pairs: { Payments: blueLive }, migratedFrom: 1 });
      expect(recordedPairAt(state, 'f', HERE)).toEqual(blueLive);
      // Its guard holds: the live color's version is frozen.
      const file = tempStateFile(v01);
      expect(() => buildPairApp({ blue: color(eks.KubernetesVersion.V1_34, 100), stateFile: file }).app.synth())
        .toThrow(/Payments: color Blue: it serves traffic \(recorded weight 100, new weight 100\), so its cluster must not change; got version 1\.33 -> 1\.34/);
    });

    test('is migrated by the next `pair record`: format 2, keyed by path, with account and region', () => {
      const file = tempStateFile(v01);
      const assembly = buildPairApp({ blue: color(V1_33, 100), green: color(V1_33, 0, { deletionProtection: false }), stateFile: tempStateFile(), outdir: tempDir() }).app.synth();
      recordPair(assembly.directory, 'Payments', file);
      const written = JSON.parse(fs.readFileSync(file, 'utf-8')) as PairStateFile;
      expect(written.formatVersion).toBe(2);
      expect(written.pairs.Payments).toMatchObject({ account: ENV.account, region: ENV.region, upgradeStrategy: 'REPLACE', blue: { version: '1.33', weight: 100 } });
    });

    test('refuses an entry under the ID of a pair that lives in a Stage, with the rename as the fix', () => {
      const file = tempStateFile(v01);
      const e = refusal(() => addPair(new Stage(testApp(), 'EuWest1', { env: ENV }), { blue: color(V1_33, 100), stateFile: file }));
      expect(e.code).toBe('PairStateFrom01');
      expect(e.message).toBe(`EuWest1/Payments: the state file was written by cdk-safe-eks 0.1, which keyed pairs by ID, and this pair is in a Stage (EuWest1/Payments). `
        + `Got: ${file}: an entry "Payments" and none for "EuWest1/Payments". `
        + 'Fix: if entry "Payments" records this Stage\'s pair, rename its key to "EuWest1/Payments" and commit the file (the next `pair record` adds its account and region); '
        + '0.1 kept one entry per ID, so a pair of another Stage with the same ID is not recorded: synthesize the app as deployed and run '
        + '`npx cdk-safe-eks pair record --pair <path>` for it before changing it');
    });
  });
});
