// Lint policy: typescript-eslint's type-checked recommended rules, plus the rules that catch
// what bites this stack (floating promises crash Node on an unhandled rejection; see
// shared/docs/stack-notes.md gotcha 9). `npm run lint` fails on any warning.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'eslint.config.js', '**/bin/*.js', '.devnet/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }]
    }
  },
  {
    // scripts and CLIs talk to people on the terminal
    files: ['scripts/**/*.ts', '**/src/cli.ts', '**/src/cli/**/*.ts', 'packages/cli/src/command.ts'],
    rules: { 'no-console': 'off' }
  }
)
