import { matchesPattern } from './event-pattern';

/**
 * The matcher on the examples of the EventBridge user guide: "Event patterns" (eb-event-patterns),
 * "Arrays in event patterns" (eb-event-patterns-arrays), "Content filtering" (eb-event-patterns-content-based-filtering)
 * and "Matching null values and empty strings" (eb-event-patterns-null-values).
 */
const EC2_STATE_CHANGE = {
  'version': '0',
  'id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  'source': 'aws.ec2',
  'account': '111122223333',
  'time': '2017-12-22T18:43:48Z',
  'region': 'us-west-1',
  'resources': ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  'detail': { 'instance-id': 'i-1234567890abcdef0', 'state': 'terminated' },
};

describe('EventBridge pattern matcher, on the user guide\'s examples', () => {
  test('event patterns: source, detail-type and a detail field all match; one field off and it does not', () => {
    const pattern = { 'source': ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], 'detail': { state: ['terminated'] } };
    expect(matchesPattern(pattern, EC2_STATE_CHANGE)).toBe(true);
    expect(matchesPattern({ ...pattern, detail: { state: ['running'] } }, EC2_STATE_CHANGE)).toBe(false);
    expect(matchesPattern({ source: ['aws.ec2', 'aws.fargate'] }, EC2_STATE_CHANGE)).toBe(true);
    // A field the pattern names must exist in the event, at the same nesting.
    expect(matchesPattern({ detail: { 'instance-id': { nested: ['x'] } } }, EC2_STATE_CHANGE)).toBe(false);
  });

  test('arrays: the pattern matches when its array and the event\'s intersect', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    expect(matchesPattern(pattern, { resources: [
      'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    ] })).toBe(true);
    expect(matchesPattern(pattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] })).toBe(false);
  });

  test('content filtering: prefix, suffix, equals-ignore-case, wildcard', () => {
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' })).toBe(false);
    expect(matchesPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(matchesPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' })).toBe(false);
    expect(matchesPattern({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, EC2_STATE_CHANGE)).toBe(true);
    expect(matchesPattern({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' })).toBe(true);
    expect(matchesPattern({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' })).toBe(false);
  });

  test('content filtering: anything-but a value, a list, a prefix; a missing field is not "anything"', () => {
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, { state: 'running' })).toBe(true);
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, { state: 'initializing' })).toBe(false);
    expect(matchesPattern({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { state: 'overloaded' })).toBe(false);
    expect(matchesPattern({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { state: 'running' })).toBe(true);
    expect(matchesPattern({ x: [{ 'anything-but': 123 }] }, { x: 456 })).toBe(true);
    expect(matchesPattern({ state: [{ 'anything-but': { prefix: 'init' } }] }, { state: 'initializing' })).toBe(false);
    expect(matchesPattern({ state: [{ 'anything-but': { prefix: 'init' } }] }, { state: 'running' })).toBe(true);
    expect(matchesPattern({ state: [{ 'anything-but': 'initializing' }] }, {})).toBe(false);
  });

  test('content filtering: numeric ranges', () => {
    const pattern = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } };
    expect(matchesPattern(pattern, { detail: { 'c-count': 5 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'c-count': 0 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'c-count': 6 } })).toBe(false);
    expect(matchesPattern({ x: [{ numeric: ['=', 3.018e2] }] }, { x: 301.8 })).toBe(true);
  });

  test('content filtering: exists matches leaf fields only; exists false matches a missing field', () => {
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, EC2_STATE_CHANGE)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ exists: false }] } }, EC2_STATE_CHANGE)).toBe(false);
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, EC2_STATE_CHANGE)).toBe(true);
    // "Exists matching only works on leaf nodes. It does not work on intermediate nodes."
    expect(matchesPattern({ detail: [{ exists: true }] }, EC2_STATE_CHANGE)).toBe(false);
  });

  test('content filtering: $or across fields, combined with the fields beside it', () => {
    const pattern = { detail: { location: ['CA'], $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ] } };
    expect(matchesPattern(pattern, { detail: { 'location': 'CA', 'c-count': 9, 'd-count': 3 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'location': 'CA', 'c-count': 9, 'd-count': 30 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'location': 'NY', 'c-count': 1 } })).toBe(false);
  });

  test('null values and empty strings: null matches null, "" matches "", neither matches a missing field', () => {
    const event = { detail: { responseElements: null, eventVersion: '' } };
    expect(matchesPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { errorCode: [null] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { errorCode: [''] } }, event)).toBe(false);
  });

  test('arrays of objects: a nested pattern matches any element', () => {
    const event = { detail: { ipPermissions: { items: [{ groups: { items: [{ groupId: 'sg-1' }] } }, { groups: { items: [{ groupId: 'sg-2' }] } }] } } };
    expect(matchesPattern({ detail: { ipPermissions: { items: { groups: { items: { groupId: ['sg-2'] } } } } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { ipPermissions: { items: { groups: { items: { groupId: ['sg-3'] } } } } } }, event)).toBe(false);
  });
});
