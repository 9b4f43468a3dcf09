import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { configModule, databaseModule, HealthController } from '@app/platform';
import { PartnerEntity, PartnerKeyEntity, REGISTRY_MIGRATIONS } from '@app/registry';
import { Capture1763780400000 } from './migrations/1763780400000-capture';
import { Rejections1763780800000 } from './migrations/1763780800000-rejections';
import { ingestConfigSchema } from './config';
import { CaptureModule } from './capture/capture.module';
import { PartnersModule } from './partners/partners.module';
import { CaptureSubmitter1763781600000 } from './migrations/1763781600000-capture-submitter';

@Module({
  imports: [
    configModule(ingestConfigSchema),
    databaseModule({ app: 'ingest', schema: 'ingest', entities: [PartnerEntity, PartnerKeyEntity], migrations: [...REGISTRY_MIGRATIONS, Capture1763780400000, Rejections1763780800000, CaptureSubmitter1763781600000] }),
    TerminusModule,
    PartnersModule,
    CaptureModule,
  ],
  controllers: [HealthController],
})
export class IngestModule {}
