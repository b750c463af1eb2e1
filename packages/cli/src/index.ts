import { Command, CommanderError, Option } from 'commander';
import { readStateFile, DEFAULT_STATE_FILE } from 'cdk-safe-eks/dist/lib/blue-green/pair-state';
import { CliIo, ExitCode } from 'cdk-safe-eks/dist/lib/cli/program';
import { formatText } from 'cdk-safe-eks/dist/lib/cli/text-report';
import { SafeEksErrors } from 'cdk-safe-eks/dist/lib/model/errors';
import { FlowModel } from 'cdk-safe-eks/dist/lib/model/flow-model';
import { flowFails } from 'cdk-safe-eks/dist/lib/model/flow-text';
import { loadTemplates } from 'cdk-safe-eks/dist/lib/model/template-directory';
import { Account } from './account';
import { assemblyStacks, DeployedStack } from './assembly-stacks';
import { realSleep } from './aws-calls';
import { LiveError } from './errors';
import { liveTemplates, RuleDrift } from './live-rules';
import { lockPolicies, retiredStacks } from './lock';
import { liveCheck } from './live-check';
import { formatCheck, pairCheck } from './pair-check';
import { recordFromDeployed, RecordFlags } from './record-command';
import { shift } from './shift-command';
import { DEFAULT_BAKE_MINUTES, MAX_BAKE_MINUTES } from './shift-plan';
import { readSnapshot, Snapshot, writeSnapshot } from './snapshot';

export { liveTemplates, RuleDrift } from './live-rules';
export { lockPolicies, StackLock } from './lock';
export { pairCheck } from './pair-check';
export { readSnapshot, writeSnapshot, Snapshot } from './snapshot';
export { LiveError } from './errors';

/** What the commands need from outside: where to write, and how to wait between throttled calls. */
export interface LiveCliOptions {
  readonly sleep?: (ms: number) => Promise<void>;
}

interface AccountFlags { readonly assumeRole: boolean }

const assumeRoleOption = () => new Option('--no-assume-role', 'use the default credential chain as it is, without assuming the roles the manifest names');

/**
 * Runs the commands of cdk-safe-eks that read the deployed account (`live snapshot`, `verify --live`,
 * `lock`, `pair check`, `pair record --from-deployed`, `pair shift`); the `cdk-safe-eks` bin hands them here. Resolves to an exit code of the
 * library's table; never rejects.
 */
export async function runLiveCli(args: string[], io: CliIo, options: LiveCliOptions = {}): Promise<ExitCode> {
  let exitCode = ExitCode.OK;
  const sleep = options.sleep ?? realSleep;
  const account = (flags: AccountFlags) => new Account({ assumeRoles: flags.assumeRole, sleep });
  const program = new Command('cdk-safe-eks').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  const readOrFetch = async (assembly: string, dir: string | undefined, flags: AccountFlags): Promise<Snapshot> => {
    const stacks = assemblyStacks(assembly);
    const snapshot = dir === undefined ? await account(flags).snapshot(stacks) : readSnapshot(dir);
    const missing = stacks.filter((s) => !snapshot.stackResources.has(s.stackName) || !snapshot.templates.has(s.stackName));
    if (missing.length > 0) {
      throw new LiveError(dir ?? 'the account', 'LiveSnapshot', 'it has no stack resources or deployed template of a stack of the assembly.',
        missing.map((s) => s.stackName).join(', '), 'capture the snapshot again with `cdk-safe-eks live snapshot`, for the same assembly');
    }
    return snapshot;
  };

  program.command('live').command('snapshot')
    .description('Write what the account deploys for the assembly\'s stacks, in the AWS CLI\'s JSON shapes, for the offline commands.')
    .argument('<cdk.out>', 'cloud assembly directory written by `cdk synth`')
    .requiredOption('--out <dir>', 'directory to write the snapshot to')
    .addOption(assumeRoleOption())
    .action(async (assembly: string, flags: AccountFlags & { out: string }) => {
      const written = writeSnapshot(flags.out, await readOrFetch(assembly, undefined, flags));
      io.out(`Wrote ${written.length} files to ${flags.out}.\n`);
    });

  program.command('verify')
    .description('Prove the required flows on the live security-group rules, and list owned rules that drifted.')
    .argument('<cdk.out>', 'cloud assembly directory written by `cdk synth`')
    .requiredOption('--live [dir]', 'read the account (or the snapshot in <dir>, written by `live snapshot`)')
    .option('--json', 'print the report and the drift as JSON', false)
    .option('--replay', 'also print, per flow, the rules it rests on and whether it survives the replay', false)
    .option('--no-webhook-flows', 'do not require the webhook flows of any cluster')
    .addOption(assumeRoleOption())
    .action(async (assembly: string, flags: AccountFlags & { live: string | true; json: boolean; replay: boolean; webhookFlows: boolean }) => {
      const live = liveTemplates(await readOrFetch(assembly, flags.live === true ? undefined : flags.live, flags));
      const report = FlowModel.fromTemplates(live.templates).evaluate({ webhookFlows: flags.webhookFlows });
      const withWarnings = { ...report, warnings: [...live.warnings, ...report.warnings] };
      io.out(flags.json ? `${JSON.stringify({ report: withWarnings, drift: live.drift }, null, 2)}\n`
        : `${formatText(withWarnings, { replay: flags.replay })}${formatDrift(live.drift)}`);
      exitCode = report.flows.some(flowFails) || live.drift.length > 0 ? ExitCode.FLOWS_FAIL : report.passed ? ExitCode.OK : ExitCode.UNPROVEN;
    });

  program.command('lock')
    .description('Set a stack policy on each stack that denies replacing or deleting its clusters, owned groups, rules carrying a required flow and data stores.')
    .argument('<cdk.out>', 'cloud assembly directory written by `cdk synth`')
    .option('--dry-run', 'print the policies, call nothing', false)
    .option('--json', 'print the policies as JSON', false)
    .option('--retire <color...>', 'colors (blue, green) or stacks being retired: nothing of theirs is locked')
    .option('--replace <stack/logicalId...>', 'planned replacements to leave unlocked')
    .addOption(assumeRoleOption())
    .action(async (assembly: string, flags: AccountFlags & { dryRun: boolean; json: boolean; retire?: string[]; replace?: string[] }) => {
      const { templates } = loadTemplates(assembly);
      const retired = retiredStacks(assembly, templates, flags.retire ?? []);
      if (retired.unknown.length > 0) {
        throw new LiveError(assembly, 'LiveArgument', '--retire names no stack or color of the assembly.', retired.unknown.join(', '), 'pass a color of a pair (blue, green) or a stack name');
      }
      const report = FlowModel.fromTemplates(templates).evaluate();
      const locks = lockPolicies(templates, report, { retiredStacks: retired.stacks, replacements: new Set(flags.replace ?? []) });
      if (!flags.dryRun) {
        const stacks = new Map(assemblyStacks(assembly).map((s): [string, DeployedStack] => [s.stackName, s]));
        for (const lock of locks) await account(flags).setStackPolicy(stacks.get(lock.stackName)!, lock.policy);
      }
      if (flags.json) {
        io.out(`${JSON.stringify(locks, null, 2)}\n`);
        return;
      }
      for (const lock of locks) {
        io.out(`${lock.stackName}: ${flags.dryRun ? 'would deny' : 'denies'} Update:Replace and Update:Delete on ${lock.locked.length} resources${lock.locked.length > 0 ? `: ${lock.locked.join(', ')}` : ''}\n`);
        for (const l of lock.lifted) io.out(`  lifted ${l.logicalId}: ${l.reason}\n`);
      }
    });

  const pair = program.command('pair');
  pair.command('check')
    .description('Go/no-go for a color before traffic moves to it: its alarms, cluster, node groups, add-ons, insights and target health.')
    .requiredOption('--pair <id>', 'ID of the BlueGreenClusterPair')
    .requiredOption('--color <color>', 'blue or green')
    .option('--from <dir>', 'read the snapshot in <dir> (written by `live snapshot`, with alarms.json) instead of the account')
    .option('--assembly <cdk.out>', 'cloud assembly directory written by `cdk synth`', 'cdk.out')
    .addOption(new Option('--state-file <file>', 'state file of the pairs').default(DEFAULT_STATE_FILE))
    .addOption(assumeRoleOption())
    .action(async (flags: AccountFlags & { pair: string; color: string; from?: string; assembly: string; stateFile: string }) => {
      const color = readStateFile(flags.stateFile).pairs[flags.pair]?.[flags.color.toLowerCase() as 'blue' | 'green'];
      if (color === undefined) {
        throw new LiveError(flags.stateFile, 'LiveArgument', `pair ${flags.pair} has no recorded color ${flags.color}.`, flags.color,
          `run \`cdk-safe-eks pair record --pair ${flags.pair}\` after the deploy`);
      }
      const lines = flags.from !== undefined ? pairCheck(color.clusterName, readSnapshot(flags.from))
        : await liveCheck(account(flags), assemblyStacks(flags.assembly), color.clusterName);
      io.out(formatCheck(flags.color, lines));
      exitCode = lines.every((l) => l.ok) ? ExitCode.OK : ExitCode.FLOWS_FAIL;
    });

  pair.command('record')
    .description('After a deploy: write what the account deploys for a pair (its deployed templates, not cdk.out) into the state file.')
    .requiredOption('--pair <path>', 'construct path of the BlueGreenClusterPair: its ID in the App, <Stage>/<id> in a Stage')
    .requiredOption('--from-deployed [dir]', 'read the deployed templates from the account (or from the snapshot in <dir>, written by `live snapshot`)')
    .option('--assembly <cdk.out>', 'cloud assembly directory written by `cdk synth` (names the pair\'s stacks and roles)', 'cdk.out')
    .addOption(new Option('--state-file <file>', 'state file of the pairs').default(DEFAULT_STATE_FILE))
    .addOption(assumeRoleOption())
    .action(async (flags: AccountFlags & RecordFlags) => {
      io.out(await recordFromDeployed(flags, account(flags)));
    });

  pair.command('shift')
    .description('Deploy the pair\'s Traffic stack as a change set that CloudFormation rolls back if an alarm of a color gaining weight fires, after `pair check` of those colors.')
    .requiredOption('--pair <id>', 'ID of the BlueGreenClusterPair (<Stage>/<id> in a Stage)')
    .option('--assembly <cdk.out>', 'cloud assembly directory written by `cdk synth`', 'cdk.out')
    .addOption(new Option('--state-file <file>', 'state file of the pairs').default(DEFAULT_STATE_FILE))
    .option('--bake-minutes <n>', `minutes CloudFormation watches the alarms after the update (0 to ${MAX_BAKE_MINUTES}; default ${DEFAULT_BAKE_MINUTES})`)
    .option('--dry-run', 'print the request, call nothing', false)
    .option('--json', 'print the request as JSON', false)
    .addOption(assumeRoleOption())
    .action(async (flags: AccountFlags & { pair: string; assembly: string; stateFile: string; bakeMinutes?: string; dryRun: boolean; json: boolean }) => {
      exitCode = await shift(flags, io, account(flags), sleep);
    });

  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.OK : ExitCode.UNUSABLE;
    if (SafeEksErrors.isSafeEksError(e)) {
      io.err(`cdk-safe-eks: ${(e as Error).message}\n`);
      return ExitCode.UNUSABLE;
    }
    io.err(`cdk-safe-eks: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.UNUSABLE;
  }
  return exitCode;
}

function formatDrift(drift: readonly RuleDrift[]): string {
  if (drift.length === 0) return '\nLive rules: every owned rule is as deployed.\n';
  const lines = drift.map((d) => `  ${d.kind.padEnd(11)} ${d.group}  ${d.rule}  ${d.detail}`);
  return `\nLive rules: ${drift.length} drifted from the deployed templates (missing, changed, added outside CloudFormation, or on the EKS-created group):\n${lines.join('\n')}\n`;
}
