import type { ErrorCode } from 'cdk-safe-eks/dist/lib/model/error-codes';
import { CodedError } from 'cdk-safe-eks/dist/lib/model/errors';

/**
 * Every error of the live commands: a catalogued code (docs/errors.md), the library's message shape
 * (where: problem Got: value. Fix: fix), recognised by `SafeEksErrors`. The CLI prints it and exits 2.
 */
export class LiveError extends CodedError {
  constructor(where: string, code: ErrorCode, problem: string, received: string, fix: string) {
    super('LiveError', where, code, problem, received, fix);
  }
}
