import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { VRS_CONTEXTS } from './vrs-request';
import { VrsService } from './vrs.service';

/**
 * The verification service of the GS1 Lightweight Messaging Standard for Verification of Product Identifiers
 * (GS1 US DSCSA implementation guideline R1.3), at the root of the app: a lookup directory or the Verification
 * Router Service forwards GS1 Digital Link requests with linkType=verificationService here.
 */
@ApiTags('vrs')
@ApiBearerAuth()
@Controller()
export class VrsController {
  constructor(private readonly vrs: VrsService) {}

  @Get(['01/*path', 'gtin/*path'])
  @ApiOperation({
    summary: 'Verify a product identifier: GET /01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD&linkType=verificationService&context=...&reqGLN=...&corrUUID=...',
    description:
      'Lot (10) and expiry (17) may be in the path or the query; the Digital Link 1.0 form /gtin/{gtin}/lot/{lot}/ser/{serial}?exp=YYMMDD is read too. ' +
      'Answers 200 with {verificationTimestamp, responderGLN, data: {verified, verificationFailureReason?, additionalInfo?}, corrUUID}; ' +
      '401 without a valid partner credential, 403 when reqGLN is not the credential holder\'s GLN, 400 for a malformed request, 404 for a GTIN this responder does not serve, 503 when no responder GLN is configured. ' +
      'context=checkConnectivity checks connectivity without a product lookup.',
  })
  @ApiParam({ name: 'path', description: 'the rest of the GS1 Digital Link path after /01/ (or /gtin/)', type: String })
  @ApiQuery({ name: 'reqGLN', description: "the requester's GLN (13 digits, valid check digit)" })
  @ApiQuery({ name: 'corrUUID', description: 'correlation UUID, echoed in the response' })
  @ApiQuery({ name: 'context', enum: [...VRS_CONTEXTS, 'checkConnectivity'] })
  @ApiQuery({ name: 'linkType', required: false, enum: ['verificationService', 'gs1:verificationService'] })
  @ApiQuery({ name: '17', required: false, description: 'expiration date YYMMDD, unless in the path' })
  @ApiProduces('application/json')
  verify(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.answer(req, res);
  }

  @Get('checkConnectivity')
  @ApiOperation({ summary: 'Check connectivity with this verification service: answers {verificationTimestamp, responderGLN, corrUUID?} without any product lookup' })
  @ApiQuery({ name: 'reqGLN', description: "the requester's GLN (13 digits, valid check digit)" })
  @ApiQuery({ name: 'gtin', required: false, description: 'a GTIN-14: 404 when this responder does not serve it' })
  @ApiQuery({ name: 'corrUUID', required: false })
  @ApiProduces('application/json')
  checkConnectivity(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.answer(req, res);
  }

  private answer(req: Request, res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return this.vrs.answer(req.originalUrl, req.headers.authorization, req.ip);
  }
}
