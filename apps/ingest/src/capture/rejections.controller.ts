import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@app/platform';
import { AdminGuard } from '../partners/admin.guard';
import { RejectionLog } from './rejection-log.service';

/** Refused events and why; per-partner access arrives with partner credentials, until then admin only. */
@ApiTags('capture')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('rejections')
export class RejectionsController {
  constructor(private readonly rejections: RejectionLog) {}

  @Get()
  @ApiQuery({ name: 'signer', required: false, description: 'GLN of the (claimed) signer' })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query('signer') signer?: string, @Query('limit') limit = '100') {
    if (signer !== undefined && !/^\d{13}$/.test(signer)) throw new ProblemException(400, 'invalid-gln', 'signer must be a 13-digit GLN');
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1) throw new ProblemException(400, 'invalid-limit', 'limit must be 1 to 9999');
    return this.rejections.list({ signerGln: signer, limit: Number(limit) });
  }
}
