import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

/**
 * The import boundaries of docs/ARCHITECTURE.md, as lint rules: a wrong import fails `npm test`
 * (scripts/boundaries.test.ts shows each rule firing).
 */
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })
const engine = [
  {
    regex: '^(\\.\\./)+(api|electron|web|cli)(/|$)',
    message: 'engine/ is below api/, electron/, web/ and cli/: it must not import them.',
  },
  { regex: '^(electron|vue|@vue/.*)$', message: 'engine/ is plain Node: no electron, no vue.' },
  { regex: 'src-renderer', message: 'engine/ never imports the renderer.' },
]
const boundaries = [
  { files: ['src-main/engine/**/*.ts'], rules: restrict(...engine) },
  // A run's files (run-files/) sit below training (train/) and the run manager (runs/), which
  // starts training: the imports go runs/ -> train/ -> run-files/ only, never in a cycle.
  {
    files: ['src-main/engine/train/**/*.ts'],
    rules: restrict(...engine, {
      regex: '^\\.\\./runs(/|$)',
      message: 'train/ is below runs/: put what both need in run-files/.',
    }),
  },
  {
    files: ['src-main/engine/run-files/**/*.ts'],
    rules: restrict(...engine, {
      regex: '^\\.\\./(runs|train)(/|$)',
      message: 'run-files/ is below train/ and runs/: it must not import them.',
    }),
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: restrict(
      {
        regex: '(^|/)src-main(/|$)',
        message:
          'The renderer imports nothing of src-main: share pure code through src-common (@common/...).',
      },
      {
        regex: '^(node:.*|electron|@tensorflow/.*)$',
        message: 'The renderer never touches Node, Electron or tensors.',
      },
    ),
  },
  {
    files: ['src-common/**/*.ts'],
    ignores: ['src-common/**/*.test.ts'],
    rules: restrict({
      regex: '^(?!zod$|\\./).*',
      message: 'src-common is pure and shared: it imports only zod and its own files.',
    }),
  },
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/screenshots/**', '.home/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      'vue/multi-word-component-names': 'off',
      // Prettier owns formatting.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  ...boundaries,
)
