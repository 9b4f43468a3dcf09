import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';
import { LedgerProxyController } from './ledger-proxy.controller';
import { QueryModule } from '../query/query.module';

/**
 * The pharmacist's web console at /console/ and the ledger reads it checks in the browser. Needs the global
 * ConfigModule (LEDGER_VKEY, LEDGER_URL, LEDGER_PUBLIC_URL), the database and the AccessModule.
 */
@Module({ imports: [QueryModule], controllers: [ConsoleController, LedgerProxyController] })
export class ConsoleModule {}
