import { Module } from '@nestjs/common';
import { ScanController } from './scan.controller';
import { VerificationService } from './verification.service';
import { RegistryCache } from '@app/registry';

/** A pharmacist's scan: parse, custody path, verdict. */
@Module({ controllers: [ScanController], providers: [VerificationService, RegistryCache] })
export class ScanModule {}
