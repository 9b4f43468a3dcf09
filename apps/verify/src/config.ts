import * as Joi from 'joi';
import { commonConfigSchema } from '@app/platform';
import { isGln } from '@app/gs1';

export const verifyConfigSchema = Joi.object({
  ...commonConfigSchema,
  VERIFY_PORT: Joi.number().port().default(3002),
  /** The ledger's checkpoint verifier key (GET /log on the ledger): scans prove each event is in the signed log. */
  LEDGER_VKEY: Joi.string().optional(),
  /** The ledger's internal address: the console fetches its checkpoint and proofs from here, server to server. */
  LEDGER_URL: Joi.string().uri({ scheme: ['http', 'https'] }).default('http://127.0.0.1:3001'),
  /** The ledger's public address, shown on the console next to the checkpoint; optional. */
  LEDGER_PUBLIC_URL: Joi.string().uri({ scheme: ['http', 'https'] }).optional(),
  /** How often access-log entries not yet in the verifiable log are sent to it through Kafka. */
  ACCESS_LOG_RELAY_INTERVAL_MS: Joi.number().integer().min(10).max(60000).default(500),
  /** GLN of the VRS responder, named in every verification response; VRS answers 503 without it. */
  VRS_RESPONDER_GLN: Joi.string()
    .pattern(/^\d{13}$/)
    .custom((v: string, h) => (isGln(v) ? v : h.error('any.invalid')))
    .optional(),
});
