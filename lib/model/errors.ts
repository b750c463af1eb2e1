import { ErrorCode } from './error-codes';

/**
 * The brand every error of this library carries; its value is the error's code. A registered symbol
 * (`Symbol.for`), not a class, so that an error thrown by one copy of the library (two versions in one
 * node_modules, or a bundled copy) is recognised by another, where `instanceof` would say no.
 */
const BRAND = Symbol.for('cdk-safe-eks.SafeEksError');

/** The one message shape of every error and validation result: where, what is wrong, the value received, the fix. */
export function formatMessage(where: string, problem: string, received: string, fix: string): string {
  return `${where}: ${problem} Got: ${received}. Fix: ${fix}`;
}

/** Base of every error the library throws: a code from the catalogue, the shared message shape and the brand. */
export abstract class CodedError extends Error {
  /** Stable code, listed with its meaning in `ERROR_CODES` and docs/errors.md. */
  public readonly code: ErrorCode;

  protected constructor(name: string, where: string, code: ErrorCode, problem: string, received: string, fix: string) {
    super(formatMessage(where, problem, received, fix));
    this.name = name;
    this.code = code;
    Object.defineProperty(this, BRAND, { value: code });
  }
}

/**
 * Tells the errors of this library from any other, in every jsii language, as aws-cdk-lib's
 * `Errors.isValidationError` does: by a brand the errors carry, not by class, so errors of another
 * copy of the library are recognised too.
 */
export class SafeEksErrors {
  /**
   * True when `x` is an error thrown by this library (a bad prop or argument, an unreadable cloud
   * assembly or state file). Its message names where, the problem, the value received and the fix.
   *
   * @param x anything caught
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii's type for "anything", as in aws-cdk-lib's Errors
  public static isSafeEksError(x: any): boolean {
    return SafeEksErrors.codeOf(x) !== undefined;
  }

  /**
   * The stable code of an error of this library (e.g. `MissingProp`), listed with its meaning in
   * docs/errors.md.
   *
   * @param x anything caught
   * @returns undefined when `x` is not an error of this library
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  public static codeOf(x: any): string | undefined {
    if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return undefined;
    const code: unknown = (x as { readonly [BRAND]?: unknown })[BRAND];
    return typeof code === 'string' ? code : undefined;
  }

  private constructor() {}
}
