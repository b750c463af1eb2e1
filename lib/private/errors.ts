import { IConstruct } from 'constructs';
import { ErrorCode } from '../model/error-codes';
import { CodedError, formatMessage } from '../model/errors';

/** Where an error happened: a construct (its path is printed), or, outside the tree, a name such as `ConnectivityChecks`. */
export type ErrorScope = IConstruct | string;

/**
 * Error thrown at synth for bad input. The message always names the construct path, what was
 * wrong, the value received and how to fix it, so a `cdk synth` failure is actionable on its own.
 */
export class SafeEksError extends CodedError {
  constructor(scope: ErrorScope, code: ErrorCode, problem: string, received: string, fix: string) {
    super('SafeEksError', where(scope), code, problem, received, fix);
  }
}

/** The one message shape shared by thrown errors and `addValidation` results. */
export function formatProblem(scope: ErrorScope, problem: string, received: string, fix: string): string {
  return formatMessage(where(scope), problem, received, fix);
}

function where(scope: ErrorScope): string {
  return typeof scope === 'string' ? scope : scope.node.path;
}

/** Prints a user value inside an error message without letting `undefined` or objects go blank. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  // JSON would print NaN and Infinity as "null".
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}
