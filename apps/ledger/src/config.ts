import * as Joi from 'joi';
import { commonConfigSchema } from '@app/platform';

export const ledgerConfigSchema = Joi.object({
  ...commonConfigSchema,
  LEDGER_PORT: Joi.number().port().default(3001),
  LEDGER_CONSUMER_GROUP: Joi.string().default('dscsa-ledger'),
  /** A block holds at most this many events; a Kafka batch larger than that becomes several blocks. */
  /** How soon a ledger that died is noticed by Kafka and its partitions handed to the next lease holder. */
  LEDGER_SESSION_TIMEOUT_MS: Joi.number().integer().min(6000).max(300000).default(10000),
  /** Checkpoint origin; also the name of the ledger's signing key (C2SP convention). */
  LEDGER_ORIGIN: Joi.string()
    .pattern(/^[A-Za-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/)
    .default('dscsa-trace.example/ledger'),
  /** The ledger's Ed25519 checkpoint key as a note signer key (PRIVATE+KEY+<name>+<id>+<key>); or a file holding it. */
  LEDGER_SIGNING_KEY: Joi.string().optional(),
  LEDGER_SIGNING_KEY_FILE: Joi.string().default('.infra/ledger/checkpoint.skey'),
  LEDGER_BLOCK_MAX_EVENTS: Joi.number().integer().min(1).max(10000).default(1000),
  /** A block holds at most this many bytes of Kafka message values (one oversized event still makes a block). */
  LEDGER_BLOCK_MAX_BYTES: Joi.number().integer().min(1024).default(1024 * 1024),
  /** The longest a fetch waits for events: blocks are cut at least this often while events flow. */
  LEDGER_BLOCK_MAX_WAIT_MS: Joi.number().integer().min(10).max(10000).default(200),
});
