import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { configModule, databaseModule, KafkaHealthIndicator } from '@app/platform';
import { PartnerEntity, PartnerKeyEntity, Partners1763780000000 } from '@app/registry';
import { ingestConfigSchema } from './config';
import { AdminGuard } from './partners/admin.guard';
import { PartnersController } from './partners/partners.controller';
import { PartnersService } from './partners/partners.service';
import { CaptureService } from './capture/capture.service';
import { EventPublisher } from './capture/event-publisher.service';
import { EventsController } from './capture/events.controller';
import { SignatureVerifier } from './capture/signature-verifier.service';
import { HealthController } from './health/health.controller';

@Module({
  imports: [
    configModule(ingestConfigSchema),
    databaseModule({ app: 'ingest', schema: 'ingest', entities: [PartnerEntity, PartnerKeyEntity], migrations: [Partners1763780000000] }),
    TerminusModule,
  ],
  controllers: [PartnersController, EventsController, HealthController],
  providers: [AdminGuard, PartnersService, CaptureService, EventPublisher, SignatureVerifier, KafkaHealthIndicator],
})
export class IngestModule {}
