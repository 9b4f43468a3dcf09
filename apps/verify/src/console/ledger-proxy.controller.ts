import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { AccessLog } from '../access/access-log.service';
import { EventQueryService } from '../query/event-query.service';

export const DEFAULT_LEDGER_URL = 'http://127.0.0.1:3001';
const TIMEOUT_MS = 10_000;
const TREE_SIZE = /^\d{1,15}$/;
/** Passed on as the ledger sent them; anything else the browser needs to see is in the body. */
const FORWARDED = ['content-type', 'retry-after'];

/**
 * The two ledger reads the console's in-browser checks need, fetched server to server from LEDGER_URL so the page
 * needs no CORS from the ledger. Nothing here is trusted: the page verifies the checkpoint's signature with the
 * configured verifier key and every inclusion proof against the signed root, so a proxy (or a ledger) that alters
 * a byte makes the check fail rather than pass.
 */
@ApiExcludeController()
@Controller('console/ledger')
export class LedgerProxyController {
  constructor(
    private readonly config: ConfigService,
    private readonly accessLog: AccessLog,
    private readonly events: EventQueryService,
  ) {}

  /** The ledger's latest signed checkpoint note, with its witnesses' cosignature lines (text). */
  @Get('checkpoint')
  async checkpoint(@Res() res: Response): Promise<void> {
    await this.forward('/checkpoint', res);
  }

  /**
   * An event's leaf data and RFC 9162 inclusion proof. The leaf holds the event, so this is a read of custody
   * data: it takes a partner credential, a trading partner gets only events it took part in, and it is access-logged.
   */
  @Get('proofs/inclusion')
  @UseGuards(PartnerAuthGuard)
  async inclusion(
    @Query('eventId') eventId: string | undefined,
    @Query('treeSize') treeSize: string | undefined,
    @CurrentPrincipal() who: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    if (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > 512)
      throw new ProblemException(400, 'missing-parameter', 'eventId (1 to 512 characters) is required');
    if (treeSize !== undefined && (typeof treeSize !== 'string' || !TREE_SIZE.test(treeSize)))
      throw new ProblemException(400, 'invalid-tree-size', 'treeSize must be a non-negative integer');
    if (!isRegulator(who) && !(await this.events.get(eventId, who.gln)))
      throw new ProblemException(404, 'unknown-event', `no event with ID ${eventId} that you may see`);
    const query = new URLSearchParams({ eventId, ...(treeSize === undefined ? {} : { treeSize }) });
    const status = await this.forward(`/proofs/inclusion?${query}`, res);
    await this.accessLog.record({ actor: who.gln, action: 'inclusion-proof', subject: eventId, outcome: String(status), detail: { treeSize: treeSize ?? null } }, req);
  }

  private async forward(path: string, res: Response): Promise<number> {
    const base = (this.config.get<string>('LEDGER_URL') || DEFAULT_LEDGER_URL).replace(/\/+$/, '');
    let upstream: globalThis.Response;
    let body: Buffer;
    try {
      upstream = await fetch(base + path, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
      body = Buffer.from(await upstream.arrayBuffer());
    } catch {
      throw new ProblemException(503, 'ledger-unavailable', 'the ledger did not answer; retry later');
    }
    for (const name of FORWARDED) {
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(upstream.status).send(body);
    return upstream.status;
  }
}
