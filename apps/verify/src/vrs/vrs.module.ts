import { Module } from '@nestjs/common';
import { ScanModule } from '../scan/scan.module';
import { VrsController } from './vrs.controller';
import { VrsService } from './vrs.service';

/**
 * The VRS responder (GS1 Lightweight Messaging Standard for Verification of Product Identifiers). Needs the
 * verify.vrs_request table (migration VrsRequest1763781000000), the global AccessModule, and VRS_RESPONDER_GLN.
 */
@Module({ imports: [ScanModule], controllers: [VrsController], providers: [VrsService] })
export class VrsModule {}
