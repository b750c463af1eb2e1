// Flat config for ESLint 9 with typescript-eslint; kept hidden so the top level shows only the product.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/*.js', '**/*.d.ts', 'node_modules/**', 'cdk.out/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-explicit-any': 'error',
      // cdk-nag's order: static fields, static methods (importers), fields, constructor, methods.
      '@typescript-eslint/member-ordering': ['error', {
        default: ['public-static-field', 'static-field', 'public-static-method', 'static-method', 'instance-field', 'constructor', 'method'],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Layering (CONTRIBUTING.md, Architecture; test/architecture.test.ts checks the same and import cycles).
  {
    files: ['lib/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'], message: 'lib/model is pure TypeScript: no CDK.' },
        { group: ['../*'], message: 'lib/model imports no other lib/ folder.' },
      ] }],
    },
  },
  {
    files: ['lib/private/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!../model', '!../model/*'], message: 'lib/private is a leaf: it imports no other lib/ folder than the pure model.' }] }] },
  },
  {
    files: ['bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../test/*', '../test'], message: 'bench/ imports nothing from test/.' }] }] },
  },
);
