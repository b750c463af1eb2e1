import * as fs from 'fs';
import { Command, CommanderError, Option } from 'commander';
import { formatChangeMarkdown, formatChangeText } from './change-report';
import { formatMarkdown, formatMermaid } from './diagram';
import { DEFAULT_ASSEMBLY, PairSetup, formatStatus, initState, recordCommand, recordPair, recordedPair } from './pair';
import { formatPlan, planProblem } from './pair-plan';
import { formatText } from './text-report';
import { PairChangeIntent } from '../blue-green/pair-change-intent';
import { DEFAULT_STATE_FILE, PairStateError, readStateFile } from '../blue-green/pair-state';
import { CloudFormationSchema } from '../checks/cloudformation-schema';
import { ChangeSafety } from '../model/change-safety';
import { ChangeReport } from '../model/change-verdicts';
import { AssemblyError } from '../model/cloud-assembly';
import { loadTemplates } from '../model/template-directory';
import { ConnectivityReport, FlowModel } from '../model/flow-model';
import { flowFails } from '../model/flow-text';

/** Where the CLI writes; tests pass their own to capture output without a child process. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly writeFile: (file: string, text: string) => void;
}

/**
 * Exit codes of `cdk-safe-eks`, one meaning each:
 *
 * | code | name          | meaning                                                                                  |
 * | ---- | ------------- | ---------------------------------------------------------------------------------------- |
 * | 0    | OK            | every required flow holds and every cluster was proven; `diff`: the change is safe        |
 * | 1    | FLOWS_FAIL    | `verify`: a required flow fails before or after the incident replay                       |
 * | 2    | UNUSABLE      | the input (assembly, templates), the state file or the command line is unusable           |
 * | 3    | UNPROVEN      | `verify`: no required flow fails, but a cluster could not be proven                       |
 * | 4    | UNSAFE_CHANGE | `diff`: the change replaces or deletes what must stay, breaks an export in use, or loses a flow |
 */
export enum ExitCode {
  /** Every required flow holds and every cluster was proven (`verify`), the change is safe (`diff`), or the command did what it says. */
  OK = 0,
  /** `verify`: a required flow fails before or after the incident replay. */
  FLOWS_FAIL = 1,
  /** The input (a cloud assembly or a directory of templates), the state file or the command line is unusable. */
  UNUSABLE = 2,
  /** `verify`: no required flow fails, but a cluster could not be proven (zero flows is not a pass). */
  UNPROVEN = 3,
  /**
   * `diff`: the change replaces or deletes a cluster, an owned security group, a database, a cache, a KMS key or a secret,
   * removes a deletion-protected cluster or database, breaks an export in use, or loses a required flow.
   */
  UNSAFE_CHANGE = 4,
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  writeFile: (file, text) => fs.writeFileSync(file, text),
};

interface CommonOptions {
  readonly webhookFlows: boolean;
}

/** `--no-webhook-flows`, the same on every command that proves flows. */
function webhookFlowsOption(): Option {
  return new Option('--no-webhook-flows', 'do not require the webhook flows (4443, 6443, 8443, 9443, 10251) of any cluster; '
    + 'SafeClusters record their own choice, so they do not need it');
}

/** Runs `cdk-safe-eks <args>` and returns the exit code; never throws, never prints a stack trace. */
export function runCli(args: string[], io: CliIo = processIo): ExitCode {
  let exitCode = ExitCode.OK;
  const program = new Command('cdk-safe-eks')
    .description('Proves from a synthesized cloud assembly that every required EKS flow holds through owned security-group rules, '
      + 'also after the EKS-created cluster security group loses its rules (the 2021-01-11 incident replay); '
      + 'and says, before a deploy, whether it would replace or delete a cluster, a flow or data.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', '\nWith cdk-safe-eks-cli installed (docs/live.md): live snapshot, verify --live, lock, pair check.');

  program.command('verify')
    .description(`Print the flow table of every cluster; exit ${ExitCode.FLOWS_FAIL} when a required flow fails before or after the replay, `
      + `${ExitCode.UNPROVEN} when a cluster could not be proven.`)
    .argument('<cdk.out>', 'cloud assembly directory written by `cdk synth`')
    .option('--json', 'print the full report as JSON', false)
    .option('--replay', 'also print, per flow, the rules it rests on and whether it survives the replay', false)
    .addOption(webhookFlowsOption())
    .action((dir: string, options: CommonOptions & { json: boolean; replay: boolean }) => {
      const report = evaluate(dir, options, io);
      if (report === undefined) {
        exitCode = ExitCode.UNUSABLE;
        return;
      }
      io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report, { replay: options.replay }));
      exitCode = verdictCode(report);
    });

  program.command('report')
    .description('Write a connectivity diagram for a pull request: groups as nodes, flows as edges, EKS-created dependencies in red.')
    .argument('<cdk.out>', 'cloud assembly directory written by `cdk synth`')
    .addOption(new Option('--format <format>', 'md (table and diagram) or mermaid (diagram only)').choices(['md', 'mermaid']).default('md'))
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .addOption(webhookFlowsOption())
    .action((dir: string, options: CommonOptions & { format: 'md' | 'mermaid'; output?: string }) => {
      const report = evaluate(dir, options, io);
      if (report === undefined) {
        exitCode = ExitCode.UNUSABLE;
        return;
      }
      const text = options.format === 'mermaid' ? formatMermaid(report) : formatMarkdown(report, dir);
      if (options.output === undefined) io.out(text);
      else io.writeFile(options.output, text);
    });

  const pair = program.command('pair')
    .description('Blue-green cluster pairs: the recorded state (beside cdk.json), and the runbook of an upgrade.');
  const stateOption = () => new Option('--state-file <file>', 'state file of the pairs').default(DEFAULT_STATE_FILE);
  const assemblyOption = () => new Option('--assembly <cdk.out>', 'cloud assembly directory written by `cdk synth` (nested assemblies of Stages are found)')
    .default(DEFAULT_ASSEMBLY);
  const pairStep = (action: () => ExitCode) => () => {
    try {
      exitCode = action();
    } catch (e) {
      if (!(e instanceof PairStateError)) throw e;
      io.err(`cdk-safe-eks: ${e.message}\n`);
      exitCode = ExitCode.UNUSABLE;
    }
  };

  pair.command('init')
    .description('Before the first deploy: write an empty state file (no pair recorded yet) to commit beside cdk.json; synthesis of a pair needs it.')
    .addOption(stateOption())
    .action((options: { stateFile: string }) => pairStep(() => {
      initState(options.stateFile);
      io.out(`Wrote ${options.stateFile}: no pair recorded yet. Commit it; after each deploy, \`cdk-safe-eks pair record\` records the pair in it.\n`);
      return ExitCode.OK;
    })());

  pair.command('plan')
    .description('Print the ordered runbook that upgrades the idle color of a recorded pair to a version, with the exact commands.')
    .requiredOption('--pair <path>', 'construct path of the BlueGreenClusterPair: its ID in the App, <Stage>/<id> in a Stage')
    .requiredOption('--to <version>', 'Kubernetes version to move to, e.g. 1.35')
    .addOption(stateOption())
    .addOption(assemblyOption())
    .action((options: PairSetup & { pair: string; to: string }) => pairStep(() => {
      const recorded = recordedPair(readStateFile(options.stateFile), options.stateFile, options.pair, recordCommand(options.pair, options));
      const problem = planProblem(recorded, options.to);
      if (problem !== undefined) {
        io.err(`cdk-safe-eks: ${problem}\n`);
        return ExitCode.UNUSABLE;
      }
      io.out(formatPlan(options.pair, recorded, options.to, options));
      return ExitCode.OK;
    })());

  pair.command('record')
    .description('After a deploy: write what the synthesized assembly deploys for a pair into the state file (commit it); --from-deployed (cdk-safe-eks-cli) reads the account instead.')
    .requiredOption('--pair <path>', 'construct path of the BlueGreenClusterPair: its ID in the App, <Stage>/<id> in a Stage')
    .addOption(assemblyOption())
    .addOption(stateOption())
    .action((options: PairSetup & { pair: string }) => pairStep(() => {
      const state = recordPair(options.assembly, options.pair, options.stateFile);
      // Says where it read from: the assembly is what a deploy of it would give, not a proof that it was deployed.
      io.out(`Recorded pair ${options.pair} in ${options.stateFile} from the synthesized assembly ${options.assembly} `
        + `(\`pair record --from-deployed\`, of cdk-safe-eks-cli, records what the account deploys).\n${formatStatus(state, options, options.pair)}`);
      return ExitCode.OK;
    })());

  pair.command('status')
    .description('Print both colors of each recorded pair: cluster, version, weight, deletion protection.')
    .option('--pair <path>', 'only this pair (its construct path)')
    .addOption(stateOption())
    .action((options: { pair?: string; stateFile: string }) => pairStep(() => {
      io.out(formatStatus(readStateFile(options.stateFile), { stateFile: options.stateFile, assembly: DEFAULT_ASSEMBLY }, options.pair));
      return ExitCode.OK;
    })());
  addDiffCommand(program, io, (code) => { exitCode = code; });

  try {
    program.parse(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with commander's own code 0.
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.UNUSABLE;
    }
    io.err(`cdk-safe-eks: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.UNUSABLE;
  }
  return exitCode;
}

function verdictCode(report: ConnectivityReport): ExitCode {
  if (report.passed) return ExitCode.OK;
  return report.flows.some(flowFails) ? ExitCode.FLOWS_FAIL : ExitCode.UNPROVEN;
}

function evaluate(dir: string, options: CommonOptions, io: CliIo): ConnectivityReport | undefined {
  try {
    return FlowModel.fromAssemblyDirectory(dir).evaluate({ webhookFlows: options.webhookFlows });
  } catch (e) {
    if (!(e instanceof AssemblyError)) throw e;
    io.err(`cdk-safe-eks: ${e.message}\n`);
    return undefined;
  }
}

/** `cdk-safe-eks diff <before> <after>`: what a deploy does to each resource, and whether it is safe. */
function addDiffCommand(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  program.command('diff')
    .description('Say what a deploy from <before> to <after> does to each resource (added, removed, updated in place, replaced, '
      + `from the create-only properties of the CloudFormation resource schemas), and exit ${ExitCode.UNSAFE_CHANGE} when it replaces or deletes a cluster, `
      + 'an owned security group, a database, a cache, a KMS key or a secret, changes an export in use, removes a deletion-protected '
      + 'cluster or database, or loses a required flow.')
    .argument('<before>', 'cloud assembly directory, or a directory of deployed templates (<StackName>.json, from aws cloudformation get-template)')
    .argument('<after>', 'cloud assembly directory (or a directory of templates)')
    .option('--json', 'print the full report (every resource with its verdict) as JSON', false)
    .addOption(new Option('--format <format>', 'text, or md for a pull request').choices(['text', 'md']).default('text'))
    .option('--retire <stack...>', 'stacks removed on purpose (step 2 of retiring a cluster): their deletion is reported, not unsafe, unless still protected')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .addOption(webhookFlowsOption())
    .action((before: string, after: string, options: CommonOptions & { json: boolean; format: 'text' | 'md'; retire?: string[]; output?: string }) => {
      const report = compare(before, after, options, io);
      if (report === undefined) {
        setExitCode(ExitCode.UNUSABLE);
        return;
      }
      const text = options.json ? `${JSON.stringify(report, null, 2)}\n`
        : options.format === 'md' ? formatChangeMarkdown(report, before, after) : formatChangeText(report);
      if (options.output === undefined) io.out(text);
      else io.writeFile(options.output, text);
      setExitCode(report.safe ? ExitCode.OK : ExitCode.UNSAFE_CHANGE);
    });
}

function compare(before: string, after: string, options: CommonOptions & { retire?: string[] }, io: CliIo): ChangeReport | undefined {
  try {
    const [b, a] = [loadTemplates(before), loadTemplates(after)];
    // Blue-green pairs say, in what they recorded, which replacements and removals they mean.
    const report = ChangeSafety.compare(b.templates, a.templates, new CloudFormationSchema(),
      { webhookFlows: options.webhookFlows, retiredStacks: options.retire, intents: [new PairChangeIntent()] });
    const unread = [...b.warnings.map((w) => `before: ${w}`), ...a.warnings.map((w) => `after: ${w}`)];
    return { ...report, warnings: [...unread, ...report.warnings] };
  } catch (e) {
    if (!(e instanceof AssemblyError)) throw e;
    io.err(`cdk-safe-eks: ${e.message}\n`);
    return undefined;
  }
}
