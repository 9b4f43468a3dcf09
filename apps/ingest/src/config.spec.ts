import { validateConfig } from '@app/platform';
import { ingestConfigSchema } from './config';

const validate = validateConfig(ingestConfigSchema);

describe('ingest configuration', () => {
  it('has defaults that work on a developer machine', () => {
    expect(validate({})).toMatchObject({
      INGEST_PORT: 3000,
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_TOPIC_EVENTS: 'dscsa.events',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/dscsa',
      ADMIN_TOKEN: 'dev-admin-token-change-me',
    });
  });

  it('refuses to start in production without an admin token', () => {
    expect(() => validate({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN.*required/);
  });

  it('names every bad setting at once', () => {
    const attempt = () => validate({ INGEST_PORT: '70000', KAFKA_BROKERS: 'localhost', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(/"INGEST_PORT" must be a valid port/);
    expect(attempt).toThrow(/KAFKA_BROKERS must be host:port/);
    expect(attempt).toThrow(/"DATABASE_URL" must be a valid uri/);
  });
});
