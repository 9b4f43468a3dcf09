import { Body, Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ProblemException } from '@app/platform';
import { CaptureService } from './capture.service';

const JSON_TYPES = ['application/json', 'application/ld+json'];

@ApiTags('capture')
@Controller()
export class EventsController {
  constructor(private readonly capture: CaptureService) {}

  /** Captures one signed EPCIS 2.0 event; 201 only once Kafka has acknowledged it. */
  @Post('events')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes(...JSON_TYPES)
  @ApiBody({ description: 'One EPCIS 2.0 JSON-LD event carrying a dscsa:signature member' })
  @ApiCreatedResponse({ description: 'Accepted and durably written to the event log' })
  async captureEvent(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    if (!req.is(JSON_TYPES)) throw new ProblemException(415, 'unsupported-media-type', `send ${JSON_TYPES.join(' or ')}`);
    const accepted = await this.capture.captureOne(body);
    res.location(`/events/${encodeURIComponent(accepted.eventId)}`);
    return accepted;
  }
}
