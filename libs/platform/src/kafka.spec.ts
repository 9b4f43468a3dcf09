import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigService } from '@nestjs/config';
import * as Joi from 'joi';
import { commonConfigSchema, validateConfig } from './config';
import { kafkaSettings } from './kafka';

const validate = validateConfig(Joi.object(commonConfigSchema));
const settings = (env: Record<string, string>) => kafkaSettings(new ConfigService(validate(env)));

describe('Kafka connection settings', () => {
  it('are plaintext without authentication by default', () => {
    expect(settings({})).toEqual({ brokers: '127.0.0.1:9092', ssl: undefined, sasl: undefined });
  });

  it('take TLS with an extra CA bundle and SASL with the password from a secret file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-settings-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n…\n');
    writeFileSync(join(dir, 'password'), 's3cret\n');
    expect(
      settings({
        KAFKA_BROKERS: 'kafka-1:9093,kafka-2:9093',
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'ingest',
        KAFKA_SASL_PASSWORD_FILE: join(dir, 'password'),
      }),
    ).toEqual({
      brokers: 'kafka-1:9093,kafka-2:9093',
      ssl: { ca: '-----BEGIN CERTIFICATE-----\n…\n' },
      sasl: { mechanism: 'scram-sha-512', username: 'ingest', password: 's3cret' },
    });
    expect(settings({ KAFKA_SSL: 'true' }).ssl).toBe(true);
  });

  it('refuse a SASL mechanism without a user, without a password, with both passwords, or unknown', () => {
    expect(() => validate({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'x' })).toThrow(/"KAFKA_SASL_USERNAME" is required/);
    expect(() => validate({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(/"KAFKA_SASL_PASSWORD" is required/);
    expect(() => validate({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'x', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/p' })).toThrow(
      /"KAFKA_SASL_PASSWORD" is not allowed/,
    );
    expect(() => validate({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/"KAFKA_SASL_MECHANISM" must be one of/);
    expect(() => validate({ KAFKA_SSL: 'maybe' })).toThrow(/"KAFKA_SSL" must be a boolean/);
  });
});
