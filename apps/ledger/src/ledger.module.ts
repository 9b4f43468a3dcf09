import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { configModule, databaseModule, HealthController, KAFKA_CONNECTION } from '@app/platform';
import { LEDGER_MIGRATIONS } from '@app/ledger-store';
import { ledgerConfigSchema } from './config';
import { EventConsumer } from './consumer/event-consumer.service';
import { LogWriter } from './log/log-writer.service';
import { WriterLease } from './log/writer-lease.service';
import { CheckpointSigner } from './log/checkpoint-signer.service';
import { CheckpointsController } from './proofs/checkpoints.controller';
import { BlocksController } from './log/blocks.controller';
import { ProofsController } from './proofs/proofs.controller';
import { ProofService } from './proofs/proof.service';

@Module({
  imports: [configModule(ledgerConfigSchema), databaseModule({ app: 'ledger', schema: 'ledger', entities: [], migrations: LEDGER_MIGRATIONS }), TerminusModule],
  controllers: [BlocksController, ProofsController, CheckpointsController, HealthController],
  providers: [CheckpointSigner, WriterLease, LogWriter, EventConsumer, ProofService, { provide: KAFKA_CONNECTION, useExisting: EventConsumer }],
})
export class LedgerModule {}
