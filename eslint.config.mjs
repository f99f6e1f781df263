import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tools/**', 'dist/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // SQL lives in db/: everything else calls its query functions (scripts/ and tests may reach the database directly).
    files: [
      'api/**/*.ts',
      'app/**/*.ts',
      'activities/**/*.ts',
      'channels/**/*.ts',
      'integrations/**/*.ts',
      'workers/**/*.ts',
      'workflows/**/*.ts',
      'config/**/*.ts',
      'domain/**/*.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(execute|getKnex|createQueryBuilder|getConnection)$/]',
          message: 'SQL lives in db/: call a query function from there.',
        },
      ],
    },
  },
  {
    // Tests read JSON responses whose shape the assertions check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed: no Node built-ins, no IO modules, activities as types only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'os', 'child_process'],
              message: 'Workflow code must not import Node built-ins.',
            },
            {
              group: ['**/activities/*', '**/db/*', '**/api/*', '**/integrations/*', '**/channels/*', '**/config/*'],
              message: 'Workflows import activities as types only, and no IO modules.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // domain/ is pure: it imports nothing of ours outside domain/ and no IO. Its tests may read test fixtures.
    files: ['domain/**/*.ts'],
    ignores: ['domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'http',
                'https',
                'net',
                'child_process',
                '@temporalio/*',
                '@mikro-orm/*',
                'express',
              ],
              message: 'domain/ is pure.',
            },
            { group: ['../*', '!./*'], message: 'domain/ imports only from domain/.' },
          ],
        },
      ],
    },
  },
);
