import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { CFN_LINT_EXEMPT, SHARED_VALIDATE_GLOBAL } from './shared-validate-global';

// The environment shares aws-cdk-lib's validation engine between test files: validation must still run.
describe('the shared CloudFormation validation engine', () => {
  test('aws-cdk-lib reads the worker\'s shared module', () => {
    // Jest's require applies the same moduleNameMapper to aws-cdk-lib's own require of the package.
    const seen = jest.requireActual<{ CompositeEngine: unknown }>('@aws/cloudformation-validate');
    expect(seen).toBe(Reflect.get(globalThis, SHARED_VALIDATE_GLOBAL));
    expect(typeof seen.CompositeEngine).toBe('function');
  });

  // Twice: the second app reuses the engine the first one built (and aws-cdk-lib tried to free).
  test.each(['first', 'second'])('still reports what CloudFormation refuses (%s app)', () => {
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
    const bad = new Stack(app, 'Bad');
    // Refused on purpose: the template is no product of the library, so cfn-lint in CI leaves it out.
    bad.templateOptions.metadata = { [CFN_LINT_EXEMPT]: 'a template CloudFormation refuses, to test the validation' };
    new CfnResource(bad, 'Queue', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeout: 'soon' } });
    expect(() => app.synth()).toThrow(/VisibilityTimeout: 'soon' is not of type 'integer'/);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([expect.objectContaining({
      pluginName: 'CloudFormation Validate', violations: [expect.objectContaining({ ruleName: 'F3012' })],
    })]);
  });
});
