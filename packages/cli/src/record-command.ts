import { readStateFile, PairStateFile, writeStateFile } from 'cdk-safe-eks/dist/lib/blue-green/pair-state';
import { formatStatus, readDesiredPair } from 'cdk-safe-eks/dist/lib/cli/pair';
import { readPairDeployFacts } from 'cdk-safe-eks/dist/lib/cli/pair-deploy-facts';
import { Account } from './account';
import { assemblyStacks, DeployedStack } from './assembly-stacks';
import { deployedPair, DeployedTemplate } from './deployed-pair';
import { LiveError } from './errors';
import { readSnapshot } from './snapshot';

export interface RecordFlags { readonly pair: string; readonly fromDeployed: string | true; readonly assembly: string; readonly stateFile: string }

/**
 * `pair record --from-deployed`: the pair's entry of the state file from the deployed templates of its
 * Traffic and color stacks (the account's, or a snapshot's), written; returns what to print.
 */
export async function recordFromDeployed(flags: RecordFlags, account: Account): Promise<string> {
  const state = readStateFile(flags.stateFile);
  const synthesized = readDesiredPair(flags.assembly, flags.pair);
  const facts = readPairDeployFacts(flags.assembly, flags.pair);
  const names = facts.stacks;
  const templates = new Map<string, DeployedTemplate>();
  if (flags.fromDeployed === true) {
    const byName = new Map(assemblyStacks(flags.assembly).map((s): [string, DeployedStack] => [s.stackName, s]));
    for (const stackName of [names.traffic, names.blue, names.green]) {
      const stack = byName.get(stackName);
      if (stack === undefined) {
        throw new LiveError(flags.assembly, 'LiveArgument', `the assembly has no stack ${stackName} of pair ${flags.pair}.`, [...byName.keys()].join(', '), 'synthesize the whole app, not a selection of its stacks');
      }
      templates.set(stackName, await account.deployedTemplate(stack));
    }
  } else {
    const snapshot = readSnapshot(flags.fromDeployed);
    for (const [stackName, { TemplateBody }] of snapshot.templates) templates.set(stackName, TemplateBody as DeployedTemplate);
  }
  const deployed = deployedPair(flags.pair, facts, synthesized, (stackName) => {
    const template = templates.get(stackName);
    if (template === undefined) {
      throw new LiveError(String(flags.fromDeployed), 'LiveSnapshot', `it has no deployed template of stack ${stackName} of pair ${flags.pair}.`, stackName,
        'capture the snapshot again with `cdk-safe-eks live snapshot` for the same assembly');
    }
    return template;
  });
  const next: PairStateFile = { formatVersion: state.formatVersion, pairs: { ...state.pairs, [flags.pair]: deployed.pair } };
  writeStateFile(flags.stateFile, next);
  return `Recorded pair ${flags.pair} in ${flags.stateFile} from its deployed stacks${flags.fromDeployed === true ? '' : ` (snapshot ${flags.fromDeployed})`}.\n`
    + `${formatStatus(next, { stateFile: flags.stateFile, assembly: flags.assembly }, flags.pair)}`
    + (deployed.differences.length === 0 ? `The assembly ${flags.assembly} deploys the same.\n`
      : `What is deployed is not what ${flags.assembly} would deploy (deploy it, then record again):\n${deployed.differences.map((d) => `  ${d}\n`).join('')}`);
}
