import { Module } from '@nestjs/common';
import { PartnerAuthGuard, RegistryCache } from '@app/registry';
import { VerificationService } from '../scan/verification.service';
import { DiversionController } from './diversion.controller';
import { DiversionService } from './diversion.service';
import { RecallReportController } from './recall-report.controller';
import { RecallReportService } from './recall-report.service';

/** Regulators' and manufacturers' investigations: recall and diversion reports. */
@Module({
  controllers: [RecallReportController, DiversionController],
  providers: [RecallReportService, DiversionService, VerificationService, RegistryCache, PartnerAuthGuard],
})
export class InvestigationsModule {}
