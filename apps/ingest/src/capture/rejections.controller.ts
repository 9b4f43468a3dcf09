import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { AdminGuard } from '../partners/admin.guard';
import { RejectionLog } from './rejection-log.service';

function query(signer: string | undefined, limit: string) {
  if (signer !== undefined && !/^\d{13}$/.test(signer)) throw new ProblemException(400, 'invalid-gln', 'signer must be a 13-digit GLN');
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1) throw new ProblemException(400, 'invalid-limit', 'limit must be 1 to 9999');
  return { signerGln: signer, limit: Number(limit) };
}

/** Refused events and why: a partner sees those signed (or claimed) with its keys, regulators and operators all. */
@ApiTags('capture')
@ApiBearerAuth()
@Controller()
export class RejectionsController {
  constructor(private readonly rejections: RejectionLog) {}

  @Get('rejections')
  @UseGuards(PartnerAuthGuard)
  @ApiQuery({ name: 'signer', required: false, description: 'regulators only: GLN of the (claimed) signer' })
  @ApiQuery({ name: 'limit', required: false })
  mine(@CurrentPrincipal() who: Principal, @Query('signer') signer?: string, @Query('limit') limit = '100') {
    const regulator = isRegulator(who);
    if (signer !== undefined && !regulator && signer !== who.gln) throw new ProblemException(403, 'forbidden', 'a partner sees only its own rejections');
    return this.rejections.list(query(regulator ? signer : who.gln, limit));
  }

  @Get('admin/rejections')
  @UseGuards(AdminGuard)
  all(@Query('signer') signer?: string, @Query('limit') limit = '100') {
    return this.rejections.list(query(signer, limit));
  }
}
