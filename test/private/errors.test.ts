import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SafeEksError, formatProblem, show } from '../../lib/private/errors';

describe('SafeEksError', () => {
  test('names the construct path, the problem, the value received and the fix', () => {
    const scope = new Construct(new Stack(undefined, 'App'), 'Cluster');
    const error = new SafeEksError(scope, 'ClusterName', '`clusterName` is bad.', show('x y'), 'rename it');
    expect(error.message).toBe('App/Cluster: `clusterName` is bad. Got: "x y". Fix: rename it');
    expect(error.code).toBe('ClusterName');
    expect(error.name).toBe('SafeEksError');
    expect(formatProblem(scope, 'p.', 'v', 'f')).toBe('App/Cluster: p. Got: v. Fix: f');
  });

  test('show prints every kind of value visibly', () => {
    expect(show(undefined)).toBe('undefined');
    expect(show(3)).toBe('3');
    expect(show({ a: 1 })).toBe('{"a":1}');
    expect(show(() => 1)).toMatch(/=>/);
  });
});
