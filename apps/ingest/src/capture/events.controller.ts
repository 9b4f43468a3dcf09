import { Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { CaptureService } from './capture.service';
import { readCaptureBody } from './document-reader';
import { documentSignature, errorBehaviour, negotiateEpcisVersions } from './epcis-headers';

const CONTENT_TYPES = ['application/json', 'application/ld+json', 'application/xml', 'text/xml'];
const SIGNATURE_HEADER = { name: 'DSCSA-Signature', required: false, description: 'Detached JWS over the batch payload of the events (docs/signature-protocol.md)' };

/**
 * The EPCIS 2.0 REST capture interface. A partner submits with its API credential the events it signed itself
 * (403 submitter-not-signer otherwise), and reads back only its own capture jobs.
 */
@ApiTags('capture')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller()
export class EventsController {
  constructor(private readonly capture: CaptureService) {}

  /** One signed event; 201 only once Kafka has acknowledged it, 409 if it was captured before. */
  @Post('events')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes(...CONTENT_TYPES)
  @ApiHeader(SIGNATURE_HEADER)
  @ApiBody({ description: 'One EPCIS 2.0 event (JSON-LD with a dscsa:signature member, or XML with DSCSA-Signature)' })
  @ApiCreatedResponse({ description: 'Accepted and durably written to the event log' })
  async captureEvent(@CurrentPrincipal() who: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    negotiateEpcisVersions(req, res);
    const accepted = await this.capture.captureOne(readCaptureBody(rawBody(req), req.header('content-type'), 'event'), documentSignature(req), who.gln);
    res.location(`/events/${encodeURIComponent(accepted.eventId)}`);
    return accepted;
  }

  /** A whole EPCIS document; the job it creates says which events were accepted. */
  @Post('capture')
  @HttpCode(202)
  @ApiConsumes(...CONTENT_TYPES)
  @ApiHeader(SIGNATURE_HEADER)
  @ApiHeader({ name: 'GS1-Capture-Error-Behaviour', required: false, enum: ['rollback', 'proceed'] })
  @ApiAcceptedResponse({ description: 'The capture job, also at the Location' })
  async captureDocument(@CurrentPrincipal() who: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    negotiateEpcisVersions(req, res);
    const behaviour = errorBehaviour(req);
    const job = await this.capture.captureDocument(readCaptureBody(rawBody(req), req.header('content-type'), 'document'), documentSignature(req), behaviour, who.gln);
    res.location(`/capture/${job.captureID}`);
    return job;
  }

  @Get('capture/:id')
  async captureJob(
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string,
    @CurrentPrincipal() who: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    negotiateEpcisVersions(req, res);
    const job = await this.capture.job(id, isRegulator(who) ? undefined : who.gln);
    if (!job) throw new ProblemException(404, 'unknown-capture', `no capture job ${id}`);
    return job;
  }
}

/** The body exactly as sent: JSON is re-parsed by the EPCIS reader with its own limits. */
function rawBody(req: Request): Buffer | undefined {
  return (req as Request & { rawBody?: Buffer }).rawBody ?? (Buffer.isBuffer(req.body) ? req.body : undefined);
}
