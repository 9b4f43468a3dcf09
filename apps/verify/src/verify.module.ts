import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { configModule, databaseModule, HealthController } from '@app/platform';
import { verifyConfigSchema } from './config';
import { AccessLog1763780200000 } from './migrations/1763780200000-access-log';
import { AccessModule } from './access/access.module';
import { QueryModule } from './query/query.module';
import { ScanModule } from './scan/scan.module';

@Module({
  imports: [
    configModule(verifyConfigSchema),
    databaseModule({ app: 'verify', schema: 'verify', entities: [], migrations: [AccessLog1763780200000] }),
    TerminusModule,
    AccessModule,
    ScanModule,
    QueryModule,
  ],
  controllers: [HealthController],
})
export class VerifyModule {}
