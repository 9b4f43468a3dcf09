import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DIVERSION_DEFAULTS } from '@app/custody';
import { isGln, isGtin, normalizeGtin } from '@app/gs1';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { AccessLog } from '../access/access-log.service';
import { diversionCsv, DiversionQuery, DiversionService, MAX_UNITS } from './diversion.service';

const MAX_WINDOW_DAYS = 366;
const PARAMETERS = ['from', 'to', 'partner', 'gtin', 'vanishAfterHours', 'minTransitMinutes', 'format'];
// A date, or an RFC 3339 date-time with its offset (a time without one is ambiguous across partners).
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const invalid = (detail: string) => new ProblemException(400, 'invalid-query', detail);

/** Anomalies over a time window across the whole data set: regulators see all, a trading partner those that name it. */
@ApiTags('investigations')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller('investigations')
export class DiversionController {
  constructor(
    private readonly reports: DiversionService,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('diversion')
  @ApiOperation({
    summary: 'Diversion report',
    description:
      'Verdict reasons found across every package the window touched, and the trade patterns REVERSE_DIRECTION, UNLICENSED_RECIPIENT, ' +
      `VANISHED_IN_TRANSIT and IMPOSSIBLE_VELOCITY, each with its evidence (event hash IDs). A regulator may name any partner or none; any other ` +
      `partner sees only anomalies that name it (partner defaults to its own GLN; another GLN is 403), and in them, as on a scan, only the parties ` +
      `and evidence of the steps it took part in (others are "another trading partner"). At most ${MAX_WINDOW_DAYS} days and ${MAX_UNITS} packages (422).`,
  })
  @ApiQuery({ name: 'from', description: 'start of the window (inclusive): YYYY-MM-DD or an RFC 3339 date-time' })
  @ApiQuery({ name: 'to', description: 'end of the window (exclusive), after from, at most 366 days later' })
  @ApiQuery({ name: 'partner', required: false, description: 'GLN: only anomalies that name this party' })
  @ApiQuery({ name: 'gtin', required: false, description: 'only packages of this GTIN' })
  @ApiQuery({ name: 'vanishAfterHours', required: false, description: `hours after which a shipment nobody received has vanished (default ${DIVERSION_DEFAULTS.vanishAfterHours}, 1 to 8760)` })
  @ApiQuery({ name: 'minTransitMinutes', required: false, description: `least plausible minutes between two parties (default ${DIVERSION_DEFAULTS.minTransitMinutes}, 1 to 10080)` })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async report(@CurrentPrincipal() who: Principal, @Query() raw: Record<string, unknown>, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { query, format } = parse(raw);
    if (!isRegulator(who)) {
      if (query.partner !== undefined && query.partner !== who.gln) throw new ProblemException(403, 'forbidden', 'a trading partner may only see the diversion report of its own GLN');
      query.partner = who.gln;
      query.viewer = who.gln;
    }
    const report = await this.reports.report(query);
    await this.accessLog.record(
      {
        actor: who.gln,
        action: 'diversion-report',
        subject: `${report.window.from}/${report.window.to}${query.partner ? ` partner=${query.partner}` : ''}`,
        gtin: query.gtin,
        outcome: `${report.anomalies.length} anomalies in ${report.units} units`,
        detail: { parameters: report.parameters },
      },
      req,
    );
    const csv = format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (!csv) return report;
    res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="diversion-${report.window.from.slice(0, 10)}-${report.window.to.slice(0, 10)}.csv"`);
    return diversionCsv(report);
  }
}

/** Every parameter checked, with a message that names it. */
function parse(raw: Record<string, unknown>): { query: DiversionQuery; format?: 'json' | 'csv' } {
  const unknown = Object.keys(raw).filter((k) => !PARAMETERS.includes(k));
  if (unknown.length) throw invalid(`unknown parameter ${unknown.join(', ')}; the report takes ${PARAMETERS.join(', ')}`);
  const one = (name: string): string | undefined => {
    const v = raw[name];
    if (v !== undefined && typeof v !== 'string') throw invalid(`give ${name} once`);
    return v;
  };
  const instant = (name: string): Date => {
    const v = one(name);
    if (v === undefined) throw invalid(`${name} is required: YYYY-MM-DD or an RFC 3339 date-time`);
    const ms = Date.parse(v);
    if (!INSTANT.test(v) || Number.isNaN(ms)) throw invalid(`${name} must be YYYY-MM-DD or an RFC 3339 date-time with an offset, not ${JSON.stringify(v)}`);
    return new Date(ms);
  };
  const whole = (name: string, fallback: number, max: number): number => {
    const v = one(name);
    if (v === undefined) return fallback;
    if (!/^\d{1,6}$/.test(v) || Number(v) < 1 || Number(v) > max) throw invalid(`${name} must be a whole number from 1 to ${max}`);
    return Number(v);
  };
  const [from, to] = [instant('from'), instant('to')];
  if (from >= to) throw invalid('from must be before to');
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw invalid(`the window is at most ${MAX_WINDOW_DAYS} days`);
  const partner = one('partner');
  if (partner !== undefined && !isGln(partner)) throw invalid('partner must be a GLN: 13 digits with a valid check digit');
  const gtin = one('gtin');
  if (gtin !== undefined && !isGtin(gtin)) throw invalid('gtin must be a GTIN with a valid check digit');
  const format = one('format');
  if (format !== undefined && format !== 'json' && format !== 'csv') throw invalid('format must be json or csv');
  return {
    query: {
      from,
      to,
      partner,
      gtin: gtin === undefined ? undefined : normalizeGtin(gtin),
      vanishAfterHours: whole('vanishAfterHours', DIVERSION_DEFAULTS.vanishAfterHours, 8760),
      minTransitMinutes: whole('minTransitMinutes', DIVERSION_DEFAULTS.minTransitMinutes, 10_080),
    },
    format,
  };
}
