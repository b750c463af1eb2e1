import { ExitCode } from '../../../../lib/cli/program';
import { runLiveCli } from '../../src';

/** What one run of a live command printed and returned, and the waits it asked for between attempts. */
export interface LiveRun {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
  /** Each wait, in ms: recorded, never waited. */
  readonly slept: number[];
}

/** Runs `cdk-safe-eks <args>` through the live commands, capturing stdout and stderr, without waiting between retries. */
export async function runLive(...args: string[]): Promise<LiveRun> {
  let out = '';
  let err = '';
  const slept: number[] = [];
  const code = await runLiveCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, writeFile: () => undefined }, { sleep: async (ms) => { slept.push(ms); } });
  return { code, out, err, slept };
}
