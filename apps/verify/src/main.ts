import { runApp } from '@app/platform';
import { VerifyModule } from './verify.module';

runApp(VerifyModule, { name: 'verify', portKey: 'VERIFY_PORT', description: 'Package verification for pharmacists, VRS and regulators' });
