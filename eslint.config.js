// Lint: typescript-eslint's recommended rules, and the layering of DESIGN.md (imports point inward only:
// domain ← render/interchange ← contract ← store/workflow/emt/capi ← api/cli/agent/web ← main; system, the shared Node I/O,
// sits beside contract and imports only domain). Formatting is Prettier's.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** What each layer under src/ may import from, besides itself and npm packages. */
const LAYERS = {
  domain: [],
  render: ['domain'],
  interchange: ['domain'],
  contract: ['domain'],
  system: ['domain'],
  store: ['domain', 'system'],
  workflow: ['domain', 'render', 'interchange', 'contract', 'store', 'system'],
  emt: ['domain', 'render', 'system'],
  // The Cluster API driver: I/O to a management cluster, beside workflow whose ClusterDriver it implements.
  capi: ['domain', 'render', 'interchange', 'contract', 'store', 'workflow', 'system'],
  api: ['domain', 'render', 'interchange', 'contract', 'store', 'workflow', 'system'],
  agent: ['domain', 'render', 'contract', 'system'],
  cli: ['domain', 'render', 'interchange', 'contract', 'emt', 'system'],
};

/** Modules that do I/O or reach outside the process: the pure layers may not import them. */
const IO_MODULES = [
  'node:*',
  'fs',
  'fs/*',
  'os',
  'path',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'module',
  'worker_threads',
  'kysely',
  'better-sqlite3',
  'pg',
  'pino',
  'fastify',
];
const PURE_LAYERS = ['domain', 'render', 'interchange', 'contract'];

const layerZones = [
  ...Object.entries(LAYERS).flatMap(([layer, allowed]) => [
    {
      target: `./src/${layer}`,
      from: './src',
      except: [`./${layer}`, ...allowed.map((a) => `./${a}`)],
      message: `${layer} may import only from ${[layer, ...allowed].join(', ')} (imports point inward; see CONTRIBUTING.md).`,
    },
  ]),
  // The web UI runs in the browser: of the server's code it sees only the wire contract.
  {
    target: './web',
    from: './src',
    except: ['./contract'],
    message: 'web may import only from src/contract (and its generated OpenAPI types).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tools/',
      'data/',
      'dist/',
      'web/dist/',
      'web/src/api/openapi.d.ts',
      'test-output/',
      'test/formats/shared/',
      'test/standins/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })] },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Kysely migrations take Kysely<any> (they must not depend on today's table types); tests poke at untyped bodies.
    files: ['src/store/migrations/**', 'test/**', '**/*.test.ts', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: PURE_LAYERS.map((layer) => `src/${layer}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: IO_MODULES, message: 'the pure layers do no I/O: take what you need as an argument.' }] },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'fetch', 'require', 'setTimeout', 'setInterval', 'XMLHttpRequest', 'WebSocket'].map((name) => ({
          name,
          message: 'the pure layers do no I/O and read no environment: take what you need as an argument.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'no dynamic import() in the pure layers.' },
        { selector: "MetaProperty[property.name='meta']", message: 'no import.meta in the pure layers.' },
      ],
    },
  },
  prettier,
);
