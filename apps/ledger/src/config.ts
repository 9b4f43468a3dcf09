import * as Joi from 'joi';
import { commonConfigSchema } from '@app/platform';

export const ledgerConfigSchema = Joi.object({
  ...commonConfigSchema,
  LEDGER_PORT: Joi.number().port().default(3001),
  LEDGER_CONSUMER_GROUP: Joi.string().default('dscsa-ledger'),
  /** A block holds at most this many events; a Kafka batch larger than that becomes several blocks. */
  LEDGER_BLOCK_MAX_EVENTS: Joi.number().integer().min(1).max(10000).default(1000),
});
