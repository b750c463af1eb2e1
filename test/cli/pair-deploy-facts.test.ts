import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readPairDeployFacts } from '../../lib/cli/pair-deploy-facts';

const STACKS = { shared: 'EuWest1-Payments-Shared', blue: 'EuWest1-Payments-Blue', green: 'EuWest1-Payments-Green', traffic: 'EuWest1-Payments-Traffic' };

/** A top-level assembly whose Stage's nested assembly holds the pair's file `content`. */
function assembly(content: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-facts-'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: { 'assembly-EuWest1': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-EuWest1' } } } }));
  fs.mkdirSync(path.join(dir, 'assembly-EuWest1'));
  fs.writeFileSync(path.join(dir, 'assembly-EuWest1', 'Payments.blue-green.json'), JSON.stringify({ pair: 'EuWest1/Payments', upgradeStrategy: 'REPLACE', ...content }));
  return dir;
}

describe('readPairDeployFacts', () => {
  test('reads the stack names and node group logical IDs of a Stage\'s pair from the top-level assembly', () => {
    const facts = readPairDeployFacts(assembly({ stacks: STACKS, nodegroupLogicalIds: { blue: { General: 'ClusterGeneralNodegroup1A2B3C4D' } } }), 'EuWest1/Payments');
    expect(facts).toEqual({ stacks: STACKS, nodegroupLogicalIds: { blue: { General: 'ClusterGeneralNodegroup1A2B3C4D' } } });
  });

  test('a file written before the library named them, and a pair the assembly does not hold, are refused with the synth to run', () => {
    expect(() => readPairDeployFacts(assembly({}), 'EuWest1/Payments'))
      .toThrow(/Payments\.blue-green\.json: the pair's file was written by an older cdk-safe-eks, which did not name the pair's stacks and node groups\. Got: no "stacks" and "nodegroupLogicalIds"\. Fix: run `npx cdk synth`/);
    expect(() => readPairDeployFacts(assembly({ stacks: STACKS, nodegroupLogicalIds: {} }), 'UsEast1/Payments'))
      .toThrow('the assembly, nested assemblies included, has no file of pair "UsEast1/Payments".');
  });
});
