// Lint rules for the whole workspace. Module boundaries are enforced with Nx project tags:
//   type:app        -> a NestJS service; may use shared libs, never another app
//   type:contracts  -> event contracts (pure domain, no infrastructure)
//   type:platform   -> config, logging, auth, health, metrics, errors, OpenAPI
//   type:persistence-> TypeORM data sources and migration runner (uses platform config/health)
//   type:messaging  -> Kafka, outbox, inbox, consumers
//   type:sync       -> offline sync engine shared by the services (client ids, stored results)
//   type:api-client -> typed HTTP clients generated from the services' OpenAPI documents (for web
//                      apps, scripts and tests; never for a service, which calls no other over HTTP)
//   type:testkit    -> test helpers (tests only)
//   type:e2e        -> cross-service tests (spawn the built services; never import them)
//   type:csv        -> reading people's CSV files (pure; for the console and the operations CLI)
//   type:web        -> a browser app (apps/field-app, apps/console): talks to the services over HTTP through the
//                      generated API client only, never imports a service's or the server libs' code
//   scope:<service> -> a service's own code; scope:shared -> usable by every service
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const sharedLibs = ['type:contracts', 'type:platform', 'type:persistence', 'type:messaging', 'type:sync'];
const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.fault-spec.ts'];

/** Tag constraints; tests may additionally use the test kit. */
function boundaries({ tests }) {
  const withTestkit = (tags) => (tests ? [...tags, 'type:testkit'] : tags);
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: withTestkit(sharedLibs) },
      { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: withTestkit(['type:contracts', 'type:persistence', 'type:platform']) },
      { sourceTag: 'type:persistence', onlyDependOnLibsWithTags: withTestkit(['type:platform']) },
      { sourceTag: 'type:sync', onlyDependOnLibsWithTags: withTestkit(['type:platform', 'type:persistence']) },
      { sourceTag: 'type:platform', onlyDependOnLibsWithTags: withTestkit(['type:calendar']) },
      { sourceTag: 'type:calendar', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:csv', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: withTestkit([]) },
      { sourceTag: 'type:api-client', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:api-client', 'type:calendar', 'type:csv'] },
      { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:persistence'] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...sharedLibs, 'type:testkit', 'type:api-client'] },
      { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:registry', 'scope:shared'] },
      { sourceTag: 'scope:enrollment', onlyDependOnLibsWithTags: ['scope:enrollment', 'scope:shared'] },
      { sourceTag: 'scope:training', onlyDependOnLibsWithTags: ['scope:training', 'scope:shared'] },
      { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:reporting', 'scope:shared'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ],
  };
}

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/coverage/**', '**/.nx/**', 'tools/**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaries({ tests: false })],
    },
  },
  {
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ tests: true })] },
  },
  {
    // Examples are what an outside party would write: the HTTP API and the published schemas, never the platform's code.
    files: ['examples/**/*.{js,mjs,ts}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@dtc/*', '**/apps/**', '**/libs/**', '**/tools/**', '**/tests/**'], message: 'Examples stand alone: use the HTTP API and docs/events/schemas.' }] }],
    },
  },
  {
    // Production code of a service never pulls in the test kit; only its tests do.
    files: ['apps/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@dtc/testkit', message: 'The test kit is for tests only.' }] }],
    },
  },
];
