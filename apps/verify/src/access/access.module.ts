import { Global, Module } from '@nestjs/common';
import { PartnerAuthenticator, PartnerAuthGuard } from '@app/registry';
import { AccessLog, AccessLogRelay } from './access-log.service';
import { AccessLogController } from './access-log.controller';

/** Partner authentication for every custody-data endpoint, and the access log each of their reads writes to. */
@Global()
@Module({
  controllers: [AccessLogController],
  providers: [AccessLog, AccessLogRelay, PartnerAuthenticator, PartnerAuthGuard],
  exports: [AccessLog, AccessLogRelay, PartnerAuthenticator, PartnerAuthGuard],
})
export class AccessModule {}
