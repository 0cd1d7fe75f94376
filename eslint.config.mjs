// Lint rules for the whole workspace. Module boundaries are enforced with Nx project tags:
//   type:app        -> a NestJS service; may use shared libs, never another app
//   type:contracts  -> event contracts (pure domain, no infrastructure)
//   type:platform   -> config, logging, auth, health, metrics, errors, OpenAPI
//   type:persistence-> TypeORM data sources and migration runner (uses platform config/health)
//   type:messaging  -> Kafka, outbox, inbox, consumers
//   type:testkit    -> test helpers (tests only)
//   type:e2e        -> cross-service tests (spawn the built services; never import them)
//   scope:<service> -> a service's own code; scope:shared -> usable by every service
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const sharedLibs = ['type:contracts', 'type:platform', 'type:persistence', 'type:messaging'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/coverage/**', '**/.nx/**', 'tools/**/*.js', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...sharedLibs, 'type:testkit'] },
            { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:contracts', 'type:persistence', 'type:platform'] },
            { sourceTag: 'type:persistence', onlyDependOnLibsWithTags: ['type:platform'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: sharedLibs },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...sharedLibs, 'type:testkit'] },
            { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:registry', 'scope:shared'] },
            { sourceTag: 'scope:enrollment', onlyDependOnLibsWithTags: ['scope:enrollment', 'scope:shared'] },
            { sourceTag: 'scope:training', onlyDependOnLibsWithTags: ['scope:training', 'scope:shared'] },
            { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:reporting', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // Production code of a service never pulls in the test kit; only its tests do.
    files: ['apps/**/*.ts'],
    ignores: ['apps/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@dtc/testkit', message: 'The test kit is for tests only.' }] }],
    },
  },
];
