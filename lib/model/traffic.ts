/** How protocols and ports are normalised and printed, everywhere in the model, the checks and the CLI. */

/** Protocol of a rule or flow after normalising `-1`, numbers and names: `all`, `tcp`, `udp`, `icmp`, `icmpv6` or another number. */
export type RuleProtocol = string;

/** Protocol meaning every protocol (`IpProtocol: -1`). */
export const ALL_PROTOCOLS: RuleProtocol = 'all';

const PROTOCOL_NUMBERS: { readonly [n: string]: RuleProtocol } = { '-1': ALL_PROTOCOLS, '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/** `-1` and `"-1"` are `all`, `6` is `tcp`, `17` is `udp`...; names are lower-cased; anything else is undefined. */
export function normaliseProtocol(value: unknown): RuleProtocol | undefined {
  if (typeof value === 'number') return PROTOCOL_NUMBERS[String(value)] ?? String(value);
  if (typeof value !== 'string') return undefined;
  return PROTOCOL_NUMBERS[value] ?? value.toLowerCase();
}

/** `443` or `1025-65535`. */
export function formatPorts(fromPort: number, toPort: number): string {
  return fromPort === toPort ? `${fromPort}` : `${fromPort}-${toPort}`;
}

/** `tcp 443`, `udp 53`, or `all traffic`. */
export function describeTraffic(protocol: RuleProtocol, fromPort: number, toPort: number): string {
  return protocol === ALL_PROTOCOLS ? 'all traffic' : `${protocol} ${formatPorts(fromPort, toPort)}`;
}
