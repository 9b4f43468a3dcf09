import { Body, Controller, Get, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { Request } from 'express';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { scopePath, stepParties } from '@app/custody';
import { AccessLog } from '../access/access-log.service';
import { VerificationService } from './verification.service';

export class ScanDto {
  @ApiProperty({ description: 'Scanned GS1 DataMatrix text (GS = U+001D as FNC1), element string or Digital Link URL' })
  @IsString()
  @Length(1, 2048)
  code: string;
}

const SCOPE_NOTE =
  'Any partner may verify any package it scans: the verdict and its reasons are always given. The custody path is ' +
  'scoped: a regulator sees every step; a trading partner sees the steps it took part in (and through them its ' +
  'direct trading partners for the package), and hiddenSteps counts the rest.';

@ApiTags('verify')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller('scan')
export class ScanController {
  constructor(
    private readonly verification: VerificationService,
    private readonly accessLog: AccessLog,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify a scanned package', description: SCOPE_NOTE })
  scan(@Body() dto: ScanDto, @CurrentPrincipal() who: Principal, @Req() req: Request) {
    return this.answer(dto.code, who, req);
  }

  @Get()
  @ApiOperation({ summary: 'Verify a scanned package (the scan text in the query)', description: SCOPE_NOTE })
  @ApiQuery({ name: 'code', description: 'URL-encoded scan text' })
  scanByQuery(@Query('code') code: string | undefined, @CurrentPrincipal() who: Principal, @Req() req: Request) {
    if (typeof code !== 'string' || code.length === 0 || code.length > 2048)
      throw new ProblemException(400, 'invalid-scan', 'query parameter code (1 to 2048 characters) is required');
    return this.answer(code, who, req);
  }

  private async answer(code: string, who: Principal, req: Request) {
    const scan = this.verification.parse(code);
    const regulator = isRegulator(who);
    // A regulator inspecting a package is not its holder; a partner scanning one should be.
    const result = await this.verification.verify(scan, { scanner: regulator ? undefined : who.gln });
    await this.accessLog.record(
      { actor: who.gln, action: 'scan', subject: scan.sgtin, gtin: scan.gtin, outcome: result.verdict, detail: { reasons: result.reasons.map((r) => r.code) } },
      req,
    );
    if (regulator) return { ...result, hiddenSteps: 0 };
    const { visible, hidden } = scopePath(who.gln, result.custodyPath);
    const seen = new Set(visible.flatMap(stepParties));
    return { ...result, custodyPath: visible, hiddenSteps: hidden, currentHolder: result.currentHolder && seen.has(result.currentHolder) ? result.currentHolder : undefined };
  }
}
