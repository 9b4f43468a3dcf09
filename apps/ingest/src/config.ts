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
  INGEST_BODY_LIMIT: Joi.string().pattern(/^\d+(kb|mb)$/).default('2mb'),
});
