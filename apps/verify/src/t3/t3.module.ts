import { Module } from '@nestjs/common';
import { ScanModule } from '../scan/scan.module';
import { T3Controller } from './t3.controller';
import { T3Service } from './t3.service';

/** DSCSA transaction information, statement and history exports. */
@Module({ imports: [ScanModule], controllers: [T3Controller], providers: [T3Service] })
export class T3Module {}
