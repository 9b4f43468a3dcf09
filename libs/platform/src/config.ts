import * as Joi from 'joi';
import { DEFAULT_TOPICS } from './kafka';

/** Settings every app shares; each app extends this schema with its own. Validated at start-up. */
export const commonConfigSchema = {
  HOST: Joi.string().hostname().default('127.0.0.1'),
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .default('postgres://postgres@127.0.0.1:5432/dscsa'),
  DATABASE_POOL_SIZE: Joi.number().integer().min(1).max(100).default(10),
  KAFKA_BROKERS: Joi.string()
    .pattern(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/)
    .default('127.0.0.1:9092')
    .messages({ 'string.pattern.base': 'KAFKA_BROKERS must be host:port[,host:port...]' }),
  KAFKA_CLIENT_ID: Joi.string().default('dscsa-trace'),
  /** TLS to the brokers; KAFKA_SSL_CA_FILE adds a CA bundle (PEM) to trust besides the system's. */
  KAFKA_SSL: Joi.boolean().default(false),
  KAFKA_SSL_CA_FILE: Joi.string().optional(),
  KAFKA_SASL_MECHANISM: Joi.string().valid('plain', 'scram-sha-256', 'scram-sha-512').optional(),
  KAFKA_SASL_USERNAME: Joi.string().when('KAFKA_SASL_MECHANISM', { is: Joi.exist(), then: Joi.required() }),
  /** A SASL mechanism takes exactly one of the password and, from a Docker or Kubernetes secret, the password file. */
  KAFKA_SASL_PASSWORD: Joi.string().when('KAFKA_SASL_MECHANISM', {
    is: Joi.exist(),
    then: Joi.when('KAFKA_SASL_PASSWORD_FILE', { is: Joi.exist(), then: Joi.forbidden(), otherwise: Joi.required() }),
  }),
  KAFKA_SASL_PASSWORD_FILE: Joi.string().optional(),
  /** kafka, or embedded: a durable log in PostgreSQL, for the single-process mode (npm start without KAFKA_BROKERS). */
  EVENT_LOG: Joi.string().valid('kafka', 'embedded').default('kafka'),
  KAFKA_TOPIC_EVENTS: Joi.string().default(DEFAULT_TOPICS.events),
  KAFKA_TOPIC_DEAD_LETTER: Joi.string().default(DEFAULT_TOPICS.deadLetter),
  /** Reads of custody data the verify app records, on their way into the ledger's log. */
  KAFKA_TOPIC_ACCESS: Joi.string().default(DEFAULT_TOPICS.access),
  /** Express "trust proxy": behind a reverse proxy, e.g. 1 (one hop) or "uniquelocal", so the access log records the client's address. */
  TRUST_PROXY: Joi.string().optional(),
  LOG_LEVEL: Joi.string().valid('error', 'warn', 'log', 'debug', 'verbose').default('log'),
};

export function validateConfig(schema: Joi.ObjectSchema) {
  return (raw: Record<string, unknown>): Record<string, unknown> => {
    const { error, value } = schema.validate(raw, { allowUnknown: true, abortEarly: false });
    if (error) throw new Error(`invalid configuration: ${error.details.map((d) => d.message).join('; ')}`);
    return value;
  };
}
