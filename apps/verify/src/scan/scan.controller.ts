import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { Request } from 'express';
import { ProblemException } from '@app/platform';
import { AccessLog, actorOf } from '../access/access-log.service';
import { VerificationService } from './verification.service';

export class ScanDto {
  @ApiProperty({ description: 'Scanned GS1 DataMatrix text (GS = U+001D as FNC1), element string or Digital Link URL' })
  @IsString()
  @Length(1, 2048)
  code: string;
}

@ApiTags('verify')
@Controller('scan')
export class ScanController {
  constructor(
    private readonly verification: VerificationService,
    private readonly accessLog: AccessLog,
  ) {}

  @Post()
  @HttpCode(200)
  scan(@Body() dto: ScanDto, @Req() req: Request) {
    return this.answer(dto.code, req);
  }

  @Get()
  @ApiQuery({ name: 'code', description: 'URL-encoded scan text' })
  scanByQuery(@Query('code') code: string | undefined, @Req() req: Request) {
    if (typeof code !== 'string' || code.length === 0 || code.length > 2048)
      throw new ProblemException(400, 'invalid-scan', 'query parameter code (1 to 2048 characters) is required');
    return this.answer(code, req);
  }

  private async answer(code: string, req: Request) {
    const scan = this.verification.parse(code);
    const result = await this.verification.verify(scan);
    await this.accessLog.record({
      actor: actorOf(req),
      action: 'scan',
      subject: scan.sgtin,
      outcome: result.verdict,
      detail: { reasons: result.reasons.map((r) => r.code) },
    });
    return result;
  }
}
