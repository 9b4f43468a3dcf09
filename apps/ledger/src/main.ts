import { runApp } from '@app/platform';
import { LedgerModule } from './ledger.module';

runApp(LedgerModule, { name: 'ledger', portKey: 'LEDGER_PORT', description: 'The verifiable log of custody events' });
