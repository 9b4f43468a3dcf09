import { readFileSync } from 'node:fs';
import * as Joi from 'joi';
import { commonConfigSchema } from '@app/platform';

const ADMIN_TOKEN_MIN = 16;

export const ingestConfigSchema = Joi.object({
  ...commonConfigSchema,
  INGEST_PORT: Joi.number().port().default(3000),
  /** Bearer token for /admin endpoints (partner registry); or, from a Docker or Kubernetes secret, a file holding it. One is required in production. */
  ADMIN_TOKEN: Joi.string()
    .min(ADMIN_TOKEN_MIN)
    .when('ADMIN_TOKEN_FILE', {
      is: Joi.exist(),
      then: Joi.forbidden(),
      otherwise: Joi.when('NODE_ENV', { is: 'production', then: Joi.required(), otherwise: Joi.optional().default('dev-admin-token-change-me') }),
    }),
  ADMIN_TOKEN_FILE: Joi.string().optional(),
  INGEST_PUBLISH_TIMEOUT_MS: Joi.number().integer().min(100).default(10000),
  /** Ed25519 private JWK (JSON) signing the registry change log; or a file holding it. */
  REGISTRY_SIGNING_KEY: Joi.string().optional(),
  REGISTRY_SIGNING_KEY_FILE: Joi.string().default('.infra/ingest/registry.jwk'),
  INGEST_BODY_LIMIT: Joi.string().pattern(/^\d+(kb|mb)$/).default('2mb'),
});

/** The admin token, read from ADMIN_TOKEN_FILE when that is set: a file that cannot be read or holds too short a token stops the start. */
export function adminToken(config: { get<T>(key: string): T | undefined }): string {
  const file = config.get<string>('ADMIN_TOKEN_FILE');
  if (file === undefined) return config.get<string>('ADMIN_TOKEN')!;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`invalid configuration: ADMIN_TOKEN_FILE ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (token.length < ADMIN_TOKEN_MIN) throw new Error(`invalid configuration: the token in ADMIN_TOKEN_FILE ${file} must be at least ${ADMIN_TOKEN_MIN} characters long`);
  return token;
}
