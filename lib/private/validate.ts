import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { SafeEksError, show } from './errors';

/**
 * Throws unless `value` is a whole number in [min, max]. Tokens pass: they are checked by the
 * service at deploy time, and rejecting them would break apps that compute sizes from parameters.
 */
export function requireIntegerInRange(
  scope: IConstruct, prop: string, value: number | undefined, min: number, max: number,
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SafeEksError(scope, 'IntegerOutOfRange',
      `\`${prop}\` must be a whole number from ${min} to ${max}.`, show(value),
      `set \`${prop}\` to a whole number between ${min} and ${max}`);
  }
}
