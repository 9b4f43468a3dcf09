import { runApp } from '@app/platform';
import { IngestModule } from './ingest.module';

runApp(IngestModule, { name: 'ingest', portKey: 'INGEST_PORT', description: 'Capture of signed EPCIS events', bodyLimitKey: 'INGEST_BODY_LIMIT' });
