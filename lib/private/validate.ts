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

/** Parses `a.b.c.d/n`; returns undefined for anything else. */
export function parseIpv4Cidr(cidr: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

/** True when `inner` lies entirely inside `outer` (both parsed CIDRs). */
export function cidrContains(
  outer: { address: number; prefix: number }, inner: { address: number; prefix: number },
): boolean {
  if (inner.prefix < outer.prefix) return false;
  const size = 2 ** (32 - outer.prefix);
  return Math.floor(inner.address / size) === Math.floor(outer.address / size);
}
