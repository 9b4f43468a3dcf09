import { Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { PartnersController } from './partners.controller';
import { PartnersService } from './partners.service';
import { RegistryCache } from '@app/registry';
import { RegistryLog } from './registry-log.service';

/** The trading-partner registry: admin writes, public reads of partners and their keys. */
@Module({
  controllers: [PartnersController],
  providers: [AdminGuard, PartnersService, RegistryCache, RegistryLog],
  exports: [RegistryCache, AdminGuard],
})
export class PartnersModule {}
