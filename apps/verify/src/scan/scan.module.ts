import { Module } from '@nestjs/common';
import { ScanController } from './scan.controller';
import { VerificationService } from './verification.service';

/** A pharmacist's scan: parse, custody path, verdict. */
@Module({ controllers: [ScanController], providers: [VerificationService] })
export class ScanModule {}
