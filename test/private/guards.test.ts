import { Stack, Token } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { SafeEksError } from '../../lib/private/errors';
import { checkProps, checkValue, describe as describeValue, requireScope } from '../../lib/private/guards';

describe('type guards for jsii callers', () => {
  const scope = new Stack(undefined, 'S');

  test('a missing required prop and a wrong type name the prop, the value and the type', () => {
    expect(() => checkProps(scope, 'props', {}, { vpc: { type: 'object', name: 'ec2.IVpc', required: true } }))
      .toThrow('S: `vpc` is required. Got: undefined. Fix: pass `vpc` (ec2.IVpc)');
    expect(() => checkProps(scope, 'props', { vpc: 'vpc-1' }, { vpc: { type: 'object', name: 'ec2.IVpc', members: ['vpcId'] } }))
      .toThrow('S: `vpc` must be an ec2.IVpc. Got: string "vpc-1". Fix: pass `vpc` as an ec2.IVpc, or leave it unset');
    expect(() => checkProps(scope, 'props', null, {})).toThrow(/`props` must be an object of properties\. Got: null/);
    expect(() => checkProps(scope, 'options', undefined, {})).toThrow('S: `options` must be an object of properties. Got: undefined. Fix:');
  });

  test('arrays are checked element by element; enums by value; tokens pass where CDK encodes them', () => {
    const roles = { type: 'array' as const, items: { type: 'object' as const, name: 'iam.IRole', members: ['roleArn'] } };
    expect(() => checkValue(scope, 'adminRoles', [{ roleArn: 'a' }, null], roles)).toThrow(/`adminRoles\[1\]` must be an iam\.IRole\. Got: null/);
    expect(() => checkValue(scope, 'kind', 'other', { type: 'string', oneOf: ['a', 'b'] })).toThrow(/one of "a", "b"/);
    expect(() => checkValue(scope, 'name', Token.asString({ resolve: () => 'x' }), { type: 'string' })).not.toThrow();
    expect(() => checkValue(scope, 'size', Token.asNumber({ resolve: () => 1 }), { type: 'number' })).not.toThrow();
  });

  test('any value of a wrong type gives a SafeEksError, never a TypeError', () => {
    fc.assert(fc.property(fc.anything(), (value) => {
      try {
        checkValue(scope, 'p', value, { type: 'object', name: 'T', required: true, members: ['x'] });
      } catch (e) {
        expect(e).toBeInstanceOf(SafeEksError);
      }
      expect(typeof describeValue(value)).toBe('string');
    }));
  });

  test('scope and id are checked before the construct is created', () => {
    expect(() => requireScope('Thing', undefined, 'Id')).toThrow(/^Thing: `scope` must be a construct/);
    expect(() => requireScope('Thing', scope, 42)).toThrow(/`id` must be a string\. Got: number 42/);
    expect(() => requireScope('Thing', scope, Token.asString({ resolve: () => 'x' }))).toThrow(/literal, non-empty construct ID/);
    expect(requireScope('Thing', scope, 'Id')).toBe(scope);
  });
});
