// Lint: correctness basics for TypeScript, plus the determinism rule: nothing inside sim/ may read
// the wall clock or unseeded randomness (SPEC "Determinism"). Only sim/experiments/wall-clock.ts may, for timing.json and progress.
import tseslint from 'typescript-eslint';

const clock = [
  { object: 'Math', property: 'random', message: 'Use a seeded stream from sim/engine/random.ts (determinism).' },
  { object: 'Date', property: 'now', message: 'No wall clock inside sim/: simulated time is env.now (determinism).' },
  { object: 'performance', property: 'now', message: 'No wall clock inside sim/: simulated time is env.now (determinism).' },
];


// Layers, lowest first: engine, scenario, policies, model, metrics, experiments, validation, cli.
// An import may only point down (or sideways within a folder): no arrow runs back up.
const layers = ['engine', 'scenario', 'policies', 'model', 'metrics', 'experiments', 'validation', 'cli'];
const layerRules = layers.map((layer, i) => ({
  files: [`sim/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: layers.slice(i + 1).map((above) => ({
          group: [`**/${above}/*`, `**/${above}/**`],
          message: `sim/${layer} may not import from sim/${above} (layers: ${layers.join(' < ')}).`,
        })),
      },
    ],
  },
}));

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
    ignores: ['sim/experiments/wall-clock.ts'],
    rules: {
      'no-restricted-properties': ['error', ...clock],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'No wall clock inside sim/ (determinism).' },
        { selector: "CallExpression[callee.name='Date']", message: 'No wall clock inside sim/ (determinism).' },
      ],
    },
  },
  ...layerRules,
);
