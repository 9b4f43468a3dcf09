import * as Joi from 'joi';
import { commonConfigSchema } from '@app/platform';

export const verifyConfigSchema = Joi.object({
  ...commonConfigSchema,
  VERIFY_PORT: Joi.number().port().default(3002),
  /** The ledger's checkpoint verifier key (GET /log on the ledger): scans prove each event is in the signed log. */
  LEDGER_VKEY: Joi.string().optional(),
});
