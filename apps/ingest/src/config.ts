import * as Joi from 'joi';
import { commonConfigSchema } from '@app/platform';

export const ingestConfigSchema = Joi.object({
  ...commonConfigSchema,
  INGEST_PORT: Joi.number().port().default(3000),
  /** Bearer token for /admin endpoints (partner registry). Required in production. */
  ADMIN_TOKEN: Joi.string()
    .min(16)
    .when('NODE_ENV', { is: 'production', then: Joi.required(), otherwise: Joi.optional().default('dev-admin-token-change-me') }),
  INGEST_PUBLISH_TIMEOUT_MS: Joi.number().integer().min(100).default(10000),
  /** Ed25519 private JWK (JSON) signing the registry change log; or a file holding it. */
  REGISTRY_SIGNING_KEY: Joi.string().optional(),
  REGISTRY_SIGNING_KEY_FILE: Joi.string().default('.infra/ingest/registry.jwk'),
  INGEST_BODY_LIMIT: Joi.string().pattern(/^\d+(kb|mb)$/).default('2mb'),
});
