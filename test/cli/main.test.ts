import { isLiveCommand, main } from '../../lib/cli/main';
import { ExitCode } from '../../lib/cli/program';

function io() {
  const captured = { out: '', err: '' };
  return { captured, io: { out: (t: string) => { captured.out += t; }, err: (t: string) => { captured.err += t; }, writeFile: () => undefined } };
}

describe('the bin hands the account-reading commands to cdk-safe-eks-cli', () => {
  test('live, lock, pair check, pair shift, pair record --from-deployed and verify --live are the live commands; plain verify, pair record and pair plan are not', () => {
    expect(['live snapshot x', 'lock x', 'pair check --pair P', 'pair shift --pair P', 'verify x --live', 'verify x --live=dir', 'pair record --pair P --from-deployed', 'pair record --pair P --from-deployed=snap']
      .map((a) => isLiveCommand(a.split(' ')))).toEqual([true, true, true, true, true, true, true, true]);
    expect(['verify x', 'pair plan --pair P', 'diff a b', 'pair record --pair P'].map((a) => isLiveCommand(a.split(' ')))).toEqual([false, false, false, false]);
  });

  test('without cdk-safe-eks-cli installed, a live command is exit 2 saying to install it', async () => {
    const { captured, io: sink } = io();
    const missing = () => { throw Object.assign(new Error("Cannot find module 'cdk-safe-eks-cli'"), { code: 'MODULE_NOT_FOUND' }); };
    await expect(main(['lock', 'cdk.out'], sink, missing)).resolves.toBe(ExitCode.UNUSABLE);
    expect(captured.err).toBe('cdk-safe-eks: `lock cdk.out` reads the deployed account, and its commands live in the package cdk-safe-eks-cli, which is not installed. '
      + 'Fix: `npm install --save-dev cdk-safe-eks-cli` beside cdk-safe-eks (docs/live.md).\n');
  });

  test('with it installed, the live command runs there; the others stay in the library', async () => {
    const { captured, io: sink } = io();
    const runLiveCli = jest.fn(async () => ExitCode.FLOWS_FAIL);
    await expect(main(['verify', 'cdk.out', '--live', 'snap'], sink, () => ({ runLiveCli }))).resolves.toBe(ExitCode.FLOWS_FAIL);
    expect(runLiveCli).toHaveBeenCalledWith(['verify', 'cdk.out', '--live', 'snap'], sink);
    await expect(main(['verify', '/nonexistent'], sink, () => ({ runLiveCli }))).resolves.toBe(ExitCode.UNUSABLE);
    expect(runLiveCli).toHaveBeenCalledTimes(1);
    expect(captured.err).toMatch(/does not exist/);
  });
});
