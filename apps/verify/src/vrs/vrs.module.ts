import { Module } from '@nestjs/common';
import { RegistryCache } from '@app/registry';
import { VerificationService } from '../scan/verification.service';
import { VrsController } from './vrs.controller';
import { VrsService } from './vrs.service';

/**
 * The VRS responder (GS1 Lightweight Messaging Standard for Verification of Product Identifiers). Needs the
 * verify.vrs_request table (migration VrsRequest1763781000000), the global AccessModule, and VRS_RESPONDER_GLN.
 */
@Module({ controllers: [VrsController], providers: [VrsService, VerificationService, RegistryCache] })
export class VrsModule {}
