import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { configModule, databaseModule, HealthController } from '@app/platform';
import { verifyConfigSchema } from './config';
import { AccessLog1763780200000 } from './migrations/1763780200000-access-log';
import { VrsRequest1763781000000 } from './migrations/1763781000000-vrs';
import { AccessLogLedger1763781500000 } from './migrations/1763781500000-access-log-ledger';
import { AccessModule } from './access/access.module';
import { ConsoleModule } from './console/console.module';
import { QueryModule } from './query/query.module';
import { ScanModule } from './scan/scan.module';
import { VrsModule } from './vrs/vrs.module';
import { InvestigationsModule } from './investigations/investigations.module';
import { T3Module } from './t3/t3.module';

@Module({
  imports: [
    configModule(verifyConfigSchema),
    databaseModule({ app: 'verify', schema: 'verify', entities: [], migrations: [AccessLog1763780200000, VrsRequest1763781000000, AccessLogLedger1763781500000] }),
    TerminusModule,
    AccessModule,
    ScanModule,
    QueryModule,
    VrsModule,
    ConsoleModule,
    InvestigationsModule,
    T3Module,
  ],
  controllers: [HealthController],
})
export class VerifyModule {}
