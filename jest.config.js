// One Jest configuration for the whole workspace: unit tests beside the code (*.spec.ts),
// integration tests against the real Postgres/Kafka/Redis (*.int-spec.ts), cross-service
// end-to-end tests under tests/ (*.e2e-spec.ts) and fault tests (tests/faults, run serially).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@dtc/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testMatch: ['<rootDir>/{apps,libs,tests,tools}/**/*.{spec,int-spec,e2e-spec,fault-spec}.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 120000,
  maxWorkers: 2,
};
