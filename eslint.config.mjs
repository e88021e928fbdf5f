// @ts-check
/**
 * Lint rules (issue 13), run by `npm run lint` inside `npm test`; formatting is Prettier's (.prettierrc.json).
 *
 * typescript-eslint's `recommended` set, without type information: the type-aware set
 * (`recommendedTypeChecked`, no-floating-promises, no-misused-promises…) builds the whole TypeScript program
 * again after `tsc --noEmit` has, and took about 90 s of CPU over src, scripts and test on this 2-core machine
 * against about 25 s without it (a one-off type-aware run found no floating promise).
 */
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

export default tseslint.config(
  {
    // web/ is linted (React, TypeScript) except its generated API types; test/fixtures holds recorded histories and a deliberately changed workflow.
    ignores: ['dist/', '.data/', 'coverage/', 'test-artifacts/', '.schemathesis/', 'test/fixtures/', 'tools/', 'web/src/api/schema.d.ts'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: TS_FILES })),
  {
    files: TS_FILES,
    languageOptions: { globals: globals.node },
    rules: {
      // `x == null` is kept as the one check for "null or undefined"; every other comparison is strict.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read API answers and database rows field by field (test/support/http.ts `Json`): a wrong field
      // fails the assertion that reads it, so `any` there hides no defect. In src and scripts it stays an error.
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests are never skipped, nor focused (a focused test silently skips all the others).
      'no-restricted-syntax': [
        'error',
        {
          // it.skip, describe.only, test.concurrent.skip…
          selector:
            'MemberExpression[property.name=/^(skip|only|skipIf|runIf|todo)$/]:matches([object.name=/^(it|describe|test|suite|bench)$/], [object.object.name=/^(it|describe|test|suite|bench)$/])',
          message: 'Tests are never skipped nor focused: no .skip, .only, .skipIf, .runIf or .todo.',
        },
        {
          selector: 'CallExpression[callee.name=/^(xit|xdescribe|xtest|fit|fdescribe)$/]',
          message: 'Tests are never skipped nor focused.',
        },
      ],
    },
  },
  {
    // The system logs through the `Log` it is given; console.warn and console.error stay for last-resort fallbacks.
    // Scripts (and tests) print to the console: the rule is off there.
    files: ['src/**/*.ts'],
    rules: { 'no-console': ['error', { allow: ['warn', 'error'] }] },
  },
  {
    files: ['scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Issue 14: the web app runs in the browser (its Vite config in Node).
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
