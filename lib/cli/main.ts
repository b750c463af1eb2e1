import * as fs from 'fs';
import { CliIo, ExitCode, runCli } from './program';

/** The commands that read the deployed account; they live in the cdk-safe-eks-cli package, with the AWS SDK. */
export function isLiveCommand(args: readonly string[]): boolean {
  const [command, sub] = args;
  return command === 'live' || command === 'lock' || (command === 'pair' && (sub === 'check' || sub === 'shift'))
    || (command === 'pair' && sub === 'record' && args.some((a) => a === '--from-deployed' || a.startsWith('--from-deployed=')))
    || (command === 'verify' && args.some((a) => a === '--live' || a.startsWith('--live=')));
}

interface LiveCli {
  runLiveCli(args: string[], io: CliIo): Promise<ExitCode>;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  writeFile: (file, text) => fs.writeFileSync(file, text),
};

/**
 * Entry of the `cdk-safe-eks` bin: the account-reading commands go to cdk-safe-eks-cli when it is
 * installed (so the construct package never carries or loads the AWS SDK), everything else to `runCli`.
 */
export async function main(args: string[], io: CliIo = processIo, load: () => LiveCli = loadLiveCli): Promise<ExitCode> {
  if (!isLiveCommand(args)) return runCli(args, io);
  let live: LiveCli;
  try {
    live = load();
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw e;
    io.err(`cdk-safe-eks: \`${args.slice(0, 2).join(' ')}\` reads the deployed account, and its commands live in the package cdk-safe-eks-cli, which is not installed. `
      + 'Fix: `npm install --save-dev cdk-safe-eks-cli` beside cdk-safe-eks (docs/live.md).\n');
    return ExitCode.UNUSABLE;
  }
  return live.runLiveCli(args, io);
}

function loadLiveCli(): LiveCli {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cdk-safe-eks-cli') as LiveCli;
}
