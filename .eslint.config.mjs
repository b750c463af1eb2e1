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
);
