import * as fs from 'fs';
import { Command, CommanderError, Option } from 'commander';
import { formatMarkdown, formatMermaid } from './diagram';
import { formatText } from './text-report';
import { AssemblyError } from '../model/cloud-assembly';
import { ConnectivityReport, FlowModel } from '../model/flow-model';
import { flowFails } from '../model/flow-text';

/** Where the CLI writes; tests pass their own to capture output without a child process. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly writeFile: (file: string, text: string) => void;
}

/**
 * Exit codes: 0 every flow holds and every cluster was proven, 1 some flow fails (before or after the replay),
 * 2 the input or the command line is unusable, 3 no flow fails but some cluster could not be proven.
 */
export enum ExitCode {
  OK = 0,
  FLOWS_FAIL = 1,
  UNUSABLE = 2,
  UNPROVEN = 3,
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  writeFile: (file, text) => fs.writeFileSync(file, text),
};

interface CommonOptions {
  readonly webhookFlows: boolean;
}

/** Runs `cdk-safe-eks <args>` and returns the exit code; never throws, never prints a stack trace. */
export function runCli(args: string[], io: CliIo = processIo): ExitCode {
  let exitCode = ExitCode.OK;
  const program = new Command('cdk-safe-eks')
    .description('Proves from a synthesized cloud assembly that every required EKS flow holds through owned security-group rules, '
      + 'also after the EKS-created cluster security group loses its rules (the 2021-01-11 incident replay).')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program.command('verify')
    .description('Print the flow table of every cluster; exit 1 when a required flow fails before or after the replay, 3 when a cluster could not be proven.')
    .argument('<cdk.out>', 'cloud assembly directory written by `cdk synth`')
    .option('--json', 'print the full report as JSON', false)
    .option('--replay', 'also print, per flow, the rules it rests on and whether it survives the replay', false)
    .option('--no-webhook-flows', 'do not require the webhook flows (4443, 6443, 8443, 9443, 10251) of any cluster; SafeClusters record their own choice, so they do not need it')
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
    .option('--no-webhook-flows', 'do not require the webhook flows (4443, 6443, 8443, 9443, 10251) of any cluster; SafeClusters record their own choice, so they do not need it')
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
