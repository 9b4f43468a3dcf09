import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { configModule, databaseModule, HealthController } from '@app/platform';
import { verifyConfigSchema } from './config';
import { AccessLog1763780200000 } from './migrations/1763780200000-access-log';
import { AccessLog } from './access/access-log.service';
import { ScanController } from './scan/scan.controller';
import { VerificationService } from './scan/verification.service';

@Module({
  imports: [configModule(verifyConfigSchema), databaseModule({ app: 'verify', schema: 'verify', entities: [], migrations: [AccessLog1763780200000] }), TerminusModule],
  controllers: [ScanController, HealthController],
  providers: [AccessLog, VerificationService],
})
export class VerifyModule {}
