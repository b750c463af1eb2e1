import { Stack, Token } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { requireIntegerInRange } from '../../lib/private/validate';

describe('requireIntegerInRange', () => {
  const scope = new Stack(undefined, 'S');

  test('accepts whole numbers in range, undefined and tokens', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 }), (n) => {
      expect(() => requireIntegerInRange(scope, 'size', n, 0, 10)).not.toThrow();
    }));
    expect(() => requireIntegerInRange(scope, 'size', undefined, 0, 10)).not.toThrow();
    expect(() => requireIntegerInRange(scope, 'size', Token.asNumber({ resolve: () => 99 }), 0, 10)).not.toThrow();
  });

  test('refuses anything else, naming the prop, the value and the range', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 11 }), fc.double({ noInteger: true })), (n) => {
      expect(() => requireIntegerInRange(scope, 'size', n, 0, 10))
        .toThrow(`S: \`size\` must be a whole number from 0 to 10. Got: ${Number.isFinite(n) ? JSON.stringify(n) : String(n)}. Fix: set \`size\` to a whole number between 0 and 10`);
    }));
  });
});
