import { Module } from '@nestjs/common';
import { KAFKA_CONNECTION } from '@app/platform';
import { CaptureService } from './capture.service';
import { EventPublisher } from './event-publisher.service';
import { EventsController } from './events.controller';
import { SignatureVerifier } from './signature-verifier.service';
import { RejectionLog } from './rejection-log.service';
import { RejectionsController } from './rejections.controller';
import { PartnersModule } from '../partners/partners.module';
import { PartnerAuthenticator, PartnerAuthGuard } from '@app/registry';

/** Capture of signed events: validation, signature verification, publication to Kafka. */
@Module({
  imports: [PartnersModule],
  controllers: [EventsController, RejectionsController],
  providers: [PartnerAuthenticator, PartnerAuthGuard, RejectionLog, CaptureService, EventPublisher, SignatureVerifier, { provide: KAFKA_CONNECTION, useExisting: EventPublisher }],
  exports: [KAFKA_CONNECTION],
})
export class CaptureModule {}
