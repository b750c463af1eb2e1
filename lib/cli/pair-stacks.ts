import * as fs from 'fs';
import { pairFilesOf } from './pair';
import { PairStackNames, PairStateError } from '../blue-green/pair-state';

/**
 * The CloudFormation names of the stacks of the pair at `pairPath`, from its file in the assembly
 * (nested assemblies of Stages included), for the commands that read what those stacks deploy.
 */
export function readPairStackNames(assemblyDir: string, pairPath: string): PairStackNames {
  const match = pairFilesOf(assemblyDir).find((f) => f.pair === pairPath);
  const synth = `run \`npx cdk synth\` of the app that defines pair "${pairPath}" with this version of cdk-safe-eks, and pass its output directory with --assembly`;
  if (match === undefined) {
    throw new PairStateError(assemblyDir, `no file of pair "${pairPath}"`, 'PairAssemblyFile', `the assembly, nested assemblies included, has no file of pair "${pairPath}".`, synth);
  }
  const stacks = (JSON.parse(fs.readFileSync(match.file, 'utf-8')) as { stacks?: Partial<PairStackNames> }).stacks;
  if (stacks === undefined || !(['shared', 'blue', 'green', 'traffic'] as const).every((k) => typeof stacks[k] === 'string')) {
    throw new PairStateError(match.file, 'no "stacks" with the names of the pair\'s four stacks', 'PairAssemblyFile',
      'the pair\'s file was written by an older cdk-safe-eks, which did not name the pair\'s stacks.', synth);
  }
  return stacks as PairStackNames;
}
