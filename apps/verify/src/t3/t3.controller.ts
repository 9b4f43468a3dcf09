import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { t3Json, t3Xml, type T3Product } from '@app/epcis';
import { isGln, isGtin, normalizeGtin } from '@app/gs1';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { AccessLog } from '../access/access-log.service';
import { t3Problem, T3Service } from './t3.service';

/** GS1 AI 21 and AI 10: up to 20 characters of the GS1 AI encodable character set 82. */
const AI82 = /^[!"%-?A-Z_a-z]{1,20}$/;

/**
 * Transaction information, statement and history (DSCSA T3) of a package (GTIN + serial) or a lot (GTIN + lot),
 * as EPCIS 1.2 XML in the GS1 US layout or as JSON. A trading partner gets the transactions it took part in;
 * a regulator gets every transaction in the log.
 */
@ApiTags('investigations')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller('investigations/t3')
export class T3Controller {
  constructor(
    private readonly t3: T3Service,
    private readonly accessLog: AccessLog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'DSCSA transaction information, statement and history for a product' })
  @ApiQuery({ name: 'gtin' })
  @ApiQuery({ name: 'serial', required: false, description: 'a package; or give lot' })
  @ApiQuery({ name: 'lot', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['xml', 'json'], description: 'default: by Accept, else xml' })
  @ApiQuery({ name: 'to', required: false, description: 'GLN of the receiver named in the SBDH; default: the caller' })
  @ApiProduces('application/xml', 'application/json')
  async export(
    @CurrentPrincipal() who: Principal,
    @Query() q: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const text = (name: string) => {
      const v = q[name];
      if (v !== undefined && typeof v !== 'string') throw new ProblemException(400, 'invalid-query', `${name} must be given once`);
      return v;
    };
    const [gtin, serial, lot, format, to] = ['gtin', 'serial', 'lot', 'format', 'to'].map(text);
    if (!gtin || !isGtin(gtin)) throw new ProblemException(400, 'invalid-query', 'gtin must be a GTIN with a valid check digit');
    if ((serial === undefined) === (lot === undefined)) throw new ProblemException(400, 'invalid-query', 'give exactly one of serial (a package) or lot');
    for (const [name, v] of [['serial', serial], ['lot', lot]] as const)
      if (v !== undefined && !AI82.test(v)) throw new ProblemException(400, 'invalid-query', `${name} must be 1 to 20 characters of the GS1 character set`);
    if (format !== undefined && format !== 'xml' && format !== 'json') throw new ProblemException(400, 'invalid-query', 'format must be xml or json');
    if (to !== undefined && !isGln(to)) throw new ProblemException(400, 'invalid-query', 'to must be a GLN with a valid check digit');
    const gtin14 = normalizeGtin(gtin);
    const product: T3Product = serial !== undefined ? { gtin: gtin14, serial } : { gtin: gtin14, lot: lot! };
    const xml = format === 'xml' || (format === undefined && req.accepts(['application/xml', 'application/json']) !== 'application/json');
    let outcome = 'refused';
    try {
      const input = await this.t3.input(product, who.gln, to ?? who.gln, isRegulator(who) ? undefined : who.gln);
      outcome = `${input.events.length} events`;
      const name = `t3-${gtin14}-${serial ?? lot}`.replace(/[^A-Za-z0-9_.-]/g, '_');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.${xml ? 'xml' : 'json'}"`);
      if (!xml) return t3Json(input);
      res.type('application/xml');
      return t3Xml(input);
    } catch (e) {
      return t3Problem(e);
    } finally {
      const subject = serial !== undefined ? `${gtin14}/21/${serial}` : `${gtin14}/10/${lot}`;
      await this.accessLog.record({ actor: who.gln, action: 't3', subject, gtin: gtin14, outcome, detail: { format: xml ? 'xml' : 'json' } }, req);
    }
  }
}
