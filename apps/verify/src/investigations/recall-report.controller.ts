import { Controller, Get, Logger, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { isGtin, normalizeGtin } from '@app/gs1';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, RegistryCache, type Principal } from '@app/registry';
import { AccessLog } from '../access/access-log.service';
import { csvLine } from './csv';
import { RECALL_CSV_HEADER, recallCsvLine, RecallReportService, RecallTally, RecallUnit } from './recall-report.service';
import { send } from './stream';

const FORMATS = { json: 'application/json', csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;
type Format = keyof typeof FORMATS;

/** Recall reports: for regulators, and for the manufacturer that owns the GTIN. */
@ApiTags('investigations')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller('recalls')
export class RecallReportController {
  private readonly logger = new Logger('RecallReport');

  constructor(
    private readonly reports: RecallReportService,
    private readonly registry: RegistryCache,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('report')
  @ApiOperation({
    summary: 'Recall report',
    description:
      'Every unit of the lots with its holder, dispensed or not, and its reason codes; then units not dispensed by holder, and the number dispensed. ' +
      'Streamed as it is computed: JSON (the summaries after the units), CSV (one line per unit), or NDJSON (one unit per line, then one line ' +
      '{"gtin","lots","units","byHolder","dispensed"}). An error after the first unit was sent ends the response early.',
  })
  @ApiQuery({ name: 'gtin' })
  @ApiQuery({ name: 'lot', isArray: true, description: 'one or more lots; repeat the parameter or separate with |' })
  @ApiQuery({ name: 'format', required: false, enum: Object.keys(FORMATS) })
  async report(
    @CurrentPrincipal() who: Principal,
    @Query('gtin') gtin: string | undefined,
    @Query('lot') lot: string | string[] | undefined,
    @Query('format') format: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!gtin || !isGtin(gtin)) throw new ProblemException(400, 'invalid-query', 'gtin must be a GTIN with a valid check digit');
    const lots = (Array.isArray(lot) ? lot : lot ? [lot] : []).flatMap((l) => l.split('|')).filter(Boolean);
    if (!lots.length || lots.length > 100) throw new ProblemException(400, 'invalid-query', 'name 1 to 100 lots');
    if (format !== undefined && !(format in FORMATS)) throw new ProblemException(400, 'invalid-query', `format must be ${Object.keys(FORMATS).join(', ')}`);
    const chosen = (format ?? (Object.entries(FORMATS).find(([, type]) => type === req.accepts(Object.values(FORMATS)))?.[0] ?? 'json')) as Format;
    const gtin14 = normalizeGtin(gtin);
    const owner = (await this.registry.view()).prefixOwner(gtin14);
    if (!isRegulator(who) && owner?.gln !== who.gln)
      throw new ProblemException(403, 'forbidden', 'a recall report is for regulators and the manufacturer that owns the GTIN');
    // The read is recorded before the first byte goes out, so nothing is answered unrecorded.
    const count = await this.reports.count(gtin14, lots);
    await this.accessLog.record({ actor: who.gln, action: 'recall-report', subject: `${gtin14}:${lots.join('|')}`, gtin: gtin14, outcome: `${count} units` }, req);
    const units = this.reports.units(gtin14, lots);
    // The first chunk is computed before the headers, so that an early failure is still a problem+json answer.
    let next = await units.next();
    res.status(200).type(FORMATS[chosen]);
    if (chosen === 'csv') res.setHeader('Content-Disposition', `attachment; filename="recall-${gtin14}.csv"`);
    const tally = new RecallTally();
    const line: Record<Format, (u: RecallUnit, first: boolean) => string> = {
      json: (u, first) => (first ? '' : ',') + JSON.stringify(u),
      csv: (u) => recallCsvLine(gtin14, u),
      ndjson: (u) => JSON.stringify(u) + '\n',
    };
    try {
      await send(res, chosen === 'json' ? `{"gtin":${JSON.stringify(gtin14)},"lots":${JSON.stringify(lots)},"units":[` : chosen === 'csv' ? csvLine(RECALL_CSV_HEADER) : '');
      let sent = 0;
      for (; !next.done; next = await units.next()) {
        let text = '';
        for (const u of next.value) {
          tally.add(u);
          text += line[chosen](u, sent++ === 0);
        }
        await send(res, text);
      }
      const summary = { byHolder: tally.byHolder(), dispensed: tally.dispensed };
      if (chosen === 'json') await send(res, `],"byHolder":${JSON.stringify(summary.byHolder)},"dispensed":${summary.dispensed}}`);
      if (chosen === 'ndjson') await send(res, JSON.stringify({ gtin: gtin14, lots, units: sent, ...summary }) + '\n');
      res.end();
    } catch (e) {
      // Headers are gone: the client sees a cut-off answer rather than a complete-looking wrong one.
      this.logger.warn(`recall report ${gtin14} cut off: ${(e as Error).message}`);
      res.destroy();
      await units.return(undefined);
    }
  }
}
