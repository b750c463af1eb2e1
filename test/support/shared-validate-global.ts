/** The global through which test/support/shared-validation-environment.ts hands its engine module to each test file. */
export const SHARED_VALIDATE_GLOBAL = '__cdkSafeEksSharedCloudFormationValidate';

/** Template metadata key of a test template that is no product of the library (refused on purpose, or a scaffold with no resources): the template dump for cfn-lint leaves it out. */
export const CFN_LINT_EXEMPT = 'cdk-safe-eks:cfn-lint-exempt';
