/**
 * What `require('@aws/cloudformation-validate')` returns inside a test file (jest's moduleNameMapper):
 * the worker's one copy, loaded by test/support/shared-validation-environment.ts.
 */
import { SHARED_VALIDATE_GLOBAL } from './shared-validate-global';

const shared: unknown = Reflect.get(globalThis, SHARED_VALIDATE_GLOBAL);
if (shared === undefined) {
  throw new Error('test/support/shared-cloudformation-validate.ts: run the tests with jest\'s testEnvironment test/support/shared-validation-environment.ts (package.json "jest")');
}
export = shared;
