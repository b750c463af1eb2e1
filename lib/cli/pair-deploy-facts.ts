import * as fs from 'fs';
import { pairFilesOf } from './pair';
import { PairStackNames, PairStateError } from '../blue-green/pair-state';

/** What a pair's file in the assembly says beside its colors, for the commands that read what its stacks deploy. */
export interface PairDeployFacts {
  /** The CloudFormation names of the pair's four stacks. */
  readonly stacks: PairStackNames;
  /** Per color, the logical ID of each node group by the ID it has in the color's `nodegroups`. */
  readonly nodegroupLogicalIds: { readonly blue?: { readonly [id: string]: string }; readonly green?: { readonly [id: string]: string } };
}

/** The `PairDeployFacts` of the pair at `pairPath`, from its file in the assembly (nested assemblies of Stages included). */
export function readPairDeployFacts(assemblyDir: string, pairPath: string): PairDeployFacts {
  const match = pairFilesOf(assemblyDir).find((f) => f.pair === pairPath);
  const synth = `run \`npx cdk synth\` of the app that defines pair "${pairPath}" with this version of cdk-safe-eks, and pass its output directory with --assembly`;
  if (match === undefined) {
    throw new PairStateError(assemblyDir, `no file of pair "${pairPath}"`, 'PairAssemblyFile', `the assembly, nested assemblies included, has no file of pair "${pairPath}".`, synth);
  }
  const file = JSON.parse(fs.readFileSync(match.file, 'utf-8')) as { stacks?: Partial<PairStackNames>; nodegroupLogicalIds?: PairDeployFacts['nodegroupLogicalIds'] };
  const stacks = file.stacks;
  if (stacks === undefined || !(['shared', 'blue', 'green', 'traffic'] as const).every((k) => typeof stacks[k] === 'string') || typeof file.nodegroupLogicalIds !== 'object') {
    throw new PairStateError(match.file, 'no "stacks" and "nodegroupLogicalIds"', 'PairAssemblyFile',
      'the pair\'s file was written by an older cdk-safe-eks, which did not name the pair\'s stacks and node groups.', synth);
  }
  return { stacks: stacks as PairStackNames, nodegroupLogicalIds: file.nodegroupLogicalIds };
}
