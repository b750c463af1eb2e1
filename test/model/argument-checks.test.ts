import { ChangeSafety, IReplacementRules, StackTemplate } from '../../lib';
import { InvalidArgumentError } from '../../lib/model/argument-checks';

const EMPTY: StackTemplate[] = [{ stackName: 'S', template: { Resources: {} } }];
const NO_RULES: IReplacementRules = { replacementPaths: () => [] };

describe('ChangeSafety.compare arguments', () => {
  const compare = (...args: unknown[]) => () => (ChangeSafety.compare as (...a: unknown[]) => unknown)(...args);

  test('valid arguments compare', () => {
    expect(ChangeSafety.compare(EMPTY, EMPTY, NO_RULES).safe).toBe(true);
    expect(ChangeSafety.compare(EMPTY, EMPTY, NO_RULES, { webhookFlows: false, retiredStacks: ['S'] }).safe).toBe(true);
  });

  test('each side is an array of templates, named in the message', () => {
    expect(compare(undefined, EMPTY, NO_RULES)).toThrow('ChangeSafety.compare: `before` is required.');
    expect(compare(EMPTY, [{ stackName: 'S' }], NO_RULES)).toThrow(/`after\[0\]\.template` is required/);
  });

  test('rules must have a replacementPaths method', () => {
    expect(compare(EMPTY, EMPTY, {})).toThrow(/`rules` must implement IReplacementRules/);
    expect(compare(EMPTY, EMPTY, {})).toThrow(InvalidArgumentError);
  });

  test('a wrong webhookFlows is refused, not turned into a "could not read the templates" warning', () => {
    expect(compare(EMPTY, EMPTY, NO_RULES, { webhookFlows: 'yes' })).toThrow(/`options\.webhookFlows` must be a boolean/);
    expect(compare(EMPTY, EMPTY, NO_RULES, { retiredStacks: 'S' })).toThrow(/`options\.retiredStacks` must be an array/);
    expect(compare(EMPTY, EMPTY, NO_RULES, { retiredStacks: [1] })).toThrow(/`options\.retiredStacks\[0\]` must be a string/);
  });
});
