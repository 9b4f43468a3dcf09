import { Module } from '@nestjs/common';
import { RegistryCache } from '@app/registry';
import { VerificationService } from '../scan/verification.service';
import { T3Controller } from './t3.controller';
import { T3Service } from './t3.service';

/** DSCSA transaction information, statement and history exports. */
@Module({ controllers: [T3Controller], providers: [T3Service, VerificationService, RegistryCache] })
export class T3Module {}
