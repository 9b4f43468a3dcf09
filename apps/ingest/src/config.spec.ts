import { ConfigService } from '@nestjs/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '@app/platform';
import { adminToken, ingestConfigSchema } from './config';

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

  it('takes the admin token from a file instead (a Docker or Kubernetes secret), never from both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'admin-token-'));
    const file = join(dir, 'admin_token');
    writeFileSync(file, `${'f'.repeat(64)}\n`);
    const config = validate({ NODE_ENV: 'production', ADMIN_TOKEN_FILE: file });
    expect(config.ADMIN_TOKEN).toBeUndefined();
    expect(adminToken(new ConfigService(config))).toBe('f'.repeat(64));
    expect(adminToken(new ConfigService(validate({ ADMIN_TOKEN: 'x'.repeat(20) })))).toBe('x'.repeat(20));
    expect(() => validate({ ADMIN_TOKEN: 'x'.repeat(20), ADMIN_TOKEN_FILE: file })).toThrow(/"ADMIN_TOKEN" is not allowed/);
    writeFileSync(file, 'short\n');
    expect(() => adminToken(new ConfigService(config))).toThrow(`invalid configuration: the token in ADMIN_TOKEN_FILE ${file} must be at least 16 characters long`);
    expect(() => adminToken(new ConfigService(validate({ ADMIN_TOKEN_FILE: join(dir, 'missing') })))).toThrow(/ADMIN_TOKEN_FILE .*missing cannot be read \(ENOENT\)/);
    rmSync(dir, { recursive: true });
  });

  it('names every bad setting at once', () => {
    const attempt = () => validate({ INGEST_PORT: '70000', KAFKA_BROKERS: 'localhost', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(/"INGEST_PORT" must be a valid port/);
    expect(attempt).toThrow(/KAFKA_BROKERS must be host:port/);
    expect(attempt).toThrow(/"DATABASE_URL" must be a valid uri/);
  });
});
