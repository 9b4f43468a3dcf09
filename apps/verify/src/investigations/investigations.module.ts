import { Module } from '@nestjs/common';
import { ScanModule } from '../scan/scan.module';
import { DiversionController } from './diversion.controller';
import { DiversionService } from './diversion.service';
import { RecallReportController } from './recall-report.controller';
import { RecallReportService } from './recall-report.service';

/** Regulators' and manufacturers' investigations: recall and diversion reports. */
@Module({
  controllers: [RecallReportController, DiversionController],
  imports: [ScanModule],
  providers: [RecallReportService, DiversionService],
})
export class InvestigationsModule {}
