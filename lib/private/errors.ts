import { IConstruct } from 'constructs';

/**
 * Error thrown at synth for bad input. The message always names the construct path, what was
 * wrong, the value received and how to fix it, so a `cdk synth` failure is actionable on its own.
 */
export class SafeEksError extends Error {
  public readonly code: string;

  constructor(scope: IConstruct, code: string, problem: string, received: string, fix: string) {
    super(formatProblem(scope, problem, received, fix));
    this.name = 'SafeEksError';
    this.code = code;
  }
}

/** The one message shape shared by thrown errors and `addValidation` results. */
export function formatProblem(scope: IConstruct, problem: string, received: string, fix: string): string {
  return `${scope.node.path}: ${problem} Got: ${received}. Fix: ${fix}`;
}

/** Prints a user value inside an error message without letting `undefined` or objects go blank. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}
