import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EventQuery, EventQueryError, parseEventQuery, type JsonObject } from '@app/epcis';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { AccessLog } from '../access/access-log.service';
import { EventQueryService } from './event-query.service';

const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';

/**
 * The EPCIS 2.0 REST query interface (SimpleEventQuery over GET), answering EPCISQueryDocuments. Regulators
 * query every event; a trading partner only the events it took part in (signer, trading party or location).
 */
@ApiTags('query')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller()
export class EventsController {
  constructor(
    private readonly events: EventQueryService,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Events matching EQ_bizStep, EQ_disposition, EQ_bizLocation, MATCH_epc, MATCH_anyEPC, MATCH_parentID, GE/LT_eventTime' })
  async query(@Query() params: Record<string, string | string[]>, @CurrentPrincipal() who: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.answer(parseQuery(params), who, req, res, `query:${new URLSearchParams(req.url.split('?')[1] ?? '').toString()}`);
  }

  @Get('epcs/:epc/events')
  async byEpc(
    @Param('epc') epc: string,
    @Query() params: Record<string, string | string[]>,
    @CurrentPrincipal() who: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const q = parseQuery({ ...params, MATCH_anyEPC: epc });
    return this.answer(q, who, req, res, `epc:${epc}`);
  }

  @Get('events/:eventId')
  async byId(@Param('eventId') eventId: string, @CurrentPrincipal() who: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    epcisHeaders(res);
    const event = await this.events.get(eventId, scopeOf(who));
    await this.accessLog.record({ actor: who.gln, action: 'event', subject: eventId, outcome: event ? 'found' : 'not-found' }, req);
    // Someone else's event is as unknown as one that does not exist: its existence is custody data too.
    if (!event) throw new ProblemException(404, 'unknown-event', `no event with ID ${eventId} that you may see`);
    return event;
  }

  private async answer(q: EventQuery, who: Principal, req: Request, res: Response, subject: string) {
    epcisHeaders(res);
    const page = await this.events.find(q, scopeOf(who));
    await this.accessLog.record({ actor: who.gln, action: 'query', subject, outcome: `${page.events.length} events` }, req);
    if (page.nextPageToken) {
      const next = new URL(req.originalUrl, 'http://x');
      next.searchParams.set('nextPageToken', page.nextPageToken);
      res.setHeader('Link', `<${next.pathname}${next.search}>; rel="next"`);
    }
    return queryDocument(page.events);
  }
}

/** The party a caller's queries are restricted to: none for a regulator. */
function scopeOf(who: Principal): string | undefined {
  return isRegulator(who) ? undefined : who.gln;
}

function parseQuery(params: Record<string, string | string[]>): EventQuery {
  try {
    return parseEventQuery(params);
  } catch (e) {
    if (e instanceof EventQueryError) throw new ProblemException(400, 'invalid-query', e.message, { param: e.param });
    throw e;
  }
}

function epcisHeaders(res: Response): void {
  res.setHeader('GS1-EPCIS-Version', '2.0.0');
  res.setHeader('GS1-CBV-Version', '2.0.0');
}

function queryDocument(events: JsonObject[]): JsonObject {
  return {
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: events } } },
  };
}
