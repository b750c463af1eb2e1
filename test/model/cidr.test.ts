import * as fc from 'fast-check';
import { cidrContains, parseIpv4Cidr } from '../../lib/model/cidr';

describe('CIDR helpers', () => {
  test('parse round-trips every valid IPv4 CIDR', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(fc.property(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 }), (a, b, c, d, prefix) => {
      expect(parseIpv4Cidr(`${a}.${b}.${c}.${d}/${prefix}`)).toEqual({ address: ((a * 256 + b) * 256 + c) * 256 + d, prefix });
    }));
  });

  test('rejects malformed CIDRs', () => {
    for (const bad of ['', '10.0.0.0', '10.0.0/8', '256.0.0.0/8', '10.0.0.0/33', ' 10.0.0.0/8', '10.0.0.0/8 ', 'a.b.c.d/8']) {
      expect(parseIpv4Cidr(bad)).toBeUndefined();
    }
  });

  test('containment follows the prefix', () => {
    const outer = parseIpv4Cidr('172.16.0.0/12')!;
    expect(cidrContains(outer, parseIpv4Cidr('172.20.0.0/16')!)).toBe(true);
    expect(cidrContains(outer, parseIpv4Cidr('172.32.0.0/16')!)).toBe(false);
    expect(cidrContains(outer, parseIpv4Cidr('172.0.0.0/8')!)).toBe(false);
    expect(cidrContains(parseIpv4Cidr('0.0.0.0/0')!, parseIpv4Cidr('8.8.8.8/32')!)).toBe(true);
  });
});
