import { Global, Module } from '@nestjs/common';
import { AccessLog } from './access-log.service';

/** The access log every custody-data read writes to. */
@Global()
@Module({ providers: [AccessLog], exports: [AccessLog] })
export class AccessModule {}
