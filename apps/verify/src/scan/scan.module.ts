import { Module } from '@nestjs/common';
import { ScanController } from './scan.controller';
import { VerificationService } from './verification.service';
import { RegistryCache } from '@app/registry';

/**
 * A pharmacist's scan: parse, custody path, verdict. Its VerificationService (and what it remembers of checks made)
 * is the one VRS, investigations and T3 use too.
 */
@Module({ controllers: [ScanController], providers: [VerificationService, RegistryCache], exports: [VerificationService, RegistryCache] })
export class ScanModule {}
