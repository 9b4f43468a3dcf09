import { Injectable } from '@nestjs/common';
import { EpcisValidationError, eventHashId, partitionKey, splitSignature, summarizeEvent, type JsonObject } from '@app/epcis';
import { ProblemException } from '@app/platform';
import { EventPublisher } from './event-publisher.service';
import { SignatureVerifier, Signer } from './signature-verifier.service';

export interface AcceptedEvent {
  eventId: string;
  recordTime: string;
  signer: Signer;
}

@Injectable()
export class CaptureService {
  constructor(
    private readonly verifier: SignatureVerifier,
    private readonly publisher: EventPublisher,
  ) {}

  /** Validate, verify the signature, publish; any failure leaves nothing behind. */
  async captureOne(body: unknown): Promise<AcceptedEvent> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ProblemException(400, 'not-an-event', 'the body must be one EPCIS 2.0 event as a JSON object');
    const event = body as JsonObject;
    if (event.type === 'EPCISDocument') throw new ProblemException(400, 'not-an-event', 'POST /events takes a single event, not an EPCISDocument');
    let summary;
    try {
      summary = summarizeEvent(event);
    } catch (e) {
      if (e instanceof EpcisValidationError) throw new ProblemException(400, 'invalid-event', e.message, { errors: e.issues });
      throw e;
    }
    const recordTime = new Date();
    const signer = await this.verifier.verify(event, recordTime);
    const eventId = eventHashId(splitSignature(event).unsigned, { context: event['@context'] });
    const captured = { v: 1 as const, eventId, event, signer, recordTime: recordTime.toISOString() };
    await this.publisher.publish(partitionKey(summary, eventId), captured);
    return { eventId, recordTime: captured.recordTime, signer };
  }
}
