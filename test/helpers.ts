// The offline environment is shared with bench/ (which imports nothing from test/).
export { TestStack, testApp, testStack, testVpc } from '../bench/offline-env';

import { SafeEksError } from '../lib/private/errors';

/** Runs `fn` and returns the SafeEksError it throws, in the library's `path: problem Got: value. Fix: fix` form (failing the test otherwise). */
export function refusal(fn: () => unknown): SafeEksError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SafeEksError);
    expect((e as Error).message).toMatch(/^\S+: .+ Got: .+\. Fix: .+/s);
    return e as SafeEksError;
  }
  throw new Error('expected a SafeEksError, nothing was thrown');
}
