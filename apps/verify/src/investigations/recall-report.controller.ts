import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { isGtin, normalizeGtin } from '@app/gs1';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, RegistryCache, type Principal } from '@app/registry';
import { AccessLog } from '../access/access-log.service';
import { recallCsv, RecallReportService } from './recall-report.service';

/** Recall reports: for regulators, and for the manufacturer that owns the GTIN. */
@ApiTags('investigations')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller('recalls')
export class RecallReportController {
  constructor(
    private readonly reports: RecallReportService,
    private readonly registry: RegistryCache,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('report')
  @ApiQuery({ name: 'gtin' })
  @ApiQuery({ name: 'lot', isArray: true, description: 'one or more lots; repeat the parameter or separate with |' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async report(
    @CurrentPrincipal() who: Principal,
    @Query('gtin') gtin: string | undefined,
    @Query('lot') lot: string | string[] | undefined,
    @Query('format') format: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!gtin || !isGtin(gtin)) throw new ProblemException(400, 'invalid-query', 'gtin must be a GTIN with a valid check digit');
    const lots = (Array.isArray(lot) ? lot : lot ? [lot] : []).flatMap((l) => l.split('|')).filter(Boolean);
    if (!lots.length || lots.length > 100) throw new ProblemException(400, 'invalid-query', 'name 1 to 100 lots');
    const gtin14 = normalizeGtin(gtin);
    const owner = (await this.registry.view()).prefixOwner(gtin14);
    if (!isRegulator(who) && owner?.gln !== who.gln)
      throw new ProblemException(403, 'forbidden', 'a recall report is for regulators and the manufacturer that owns the GTIN');
    const report = await this.reports.report(gtin14, lots);
    await this.accessLog.record({ actor: who.gln, action: 'recall-report', subject: `${gtin14}:${lots.join('|')}`, gtin: gtin14, outcome: `${report.units.length} units` }, req);
    const csv = format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (format !== undefined && format !== 'json' && format !== 'csv') throw new ProblemException(400, 'invalid-query', 'format must be json or csv');
    if (!csv) return report;
    res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="recall-${gtin14}.csv"`);
    return recallCsv(report);
  }
}
