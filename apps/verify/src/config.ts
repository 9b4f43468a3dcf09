import * as Joi from 'joi';
import { commonConfigSchema } from '@app/platform';

export const verifyConfigSchema = Joi.object({
  ...commonConfigSchema,
  VERIFY_PORT: Joi.number().port().default(3002),
});
