// Unit tests live beside the code (libs/**, apps/**); end-to-end tests under test/ need Kafka and PostgreSQL.
// ts-jest only transpiles (type checking is `npm run typecheck`), which keeps the suite fast.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }] };
const moduleNameMapper = {
  '^@app/([a-z0-9-]+)$': '<rootDir>/libs/$1/src',
  '^@app/([a-z0-9-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/docker'], testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
  ],
};
