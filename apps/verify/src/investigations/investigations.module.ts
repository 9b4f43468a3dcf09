import { Module } from '@nestjs/common';
import { PartnerAuthGuard, RegistryCache } from '@app/registry';
import { VerificationService } from '../scan/verification.service';
import { RecallReportController } from './recall-report.controller';
import { RecallReportService } from './recall-report.service';

/** Regulators' and manufacturers' investigations: recall reports. */
@Module({ controllers: [RecallReportController], providers: [RecallReportService, VerificationService, RegistryCache, PartnerAuthGuard] })
export class InvestigationsModule {}
