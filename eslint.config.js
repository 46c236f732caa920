// Lint: correctness basics for TypeScript, plus the determinism rule: nothing inside sim/ may read
// the wall clock or unseeded randomness (SPEC "Determinism"). The CLI layer may, for timing.json.
import tseslint from 'typescript-eslint';

const clock = [
  { object: 'Math', property: 'random', message: 'Use a seeded stream from sim/engine/random.ts (determinism).' },
  { object: 'Date', property: 'now', message: 'No wall clock inside sim/: simulated time is env.now (determinism).' },
  { object: 'performance', property: 'now', message: 'No wall clock inside sim/: simulated time is env.now (determinism).' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-output/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['sim/**/*.ts'],
    ignores: ['sim/cli/**'],
    rules: {
      'no-restricted-properties': ['error', ...clock],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'No wall clock inside sim/ (determinism).' },
        { selector: "CallExpression[callee.name='Date']", message: 'No wall clock inside sim/ (determinism).' },
      ],
    },
  },
);
