/** IPv4 CIDR maths for the flow model: plain numbers, no CDK. */

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
