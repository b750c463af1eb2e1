/** The global through which test/support/shared-validation-environment.ts hands its engine module to each test file. */
export const SHARED_VALIDATE_GLOBAL = '__cdkSafeEksSharedCloudFormationValidate';
