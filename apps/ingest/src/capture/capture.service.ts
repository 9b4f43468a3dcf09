import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  batchOf,
  CapturedEvent,
  EpcisIssue,
  eventHashId,
  partitionKey,
  splitSignature,
  summarizeEvent,
  EpcisValidationError,
  type EventSummary,
  type JsonObject,
} from '@app/epcis';
import { GroupCommit, ProblemException } from '@app/platform';
import { EventPublisher, Publication } from './event-publisher.service';
import { SignatureRejected, SignatureVerifier, Signer } from './signature-verifier.service';
import { ReadDocument } from './document-reader';
import { authorizeSigner } from '@app/custody';
import { RegistryCache } from '@app/registry';
import { RejectionLog } from './rejection-log.service';

export type ErrorBehaviour = 'rollback' | 'proceed';

export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt: string;
  running: false;
  success: boolean;
  captureErrorBehaviour: ErrorBehaviour;
  eventCount: number;
  acceptedCount: number;
  errors: EpcisIssue[];
}

export interface AcceptedEvent {
  eventId: string;
  recordTime: string;
  signer: Signer;
}

interface Entry {
  index: number;
  event: JsonObject;
  context: unknown;
  eventId?: string;
  summary?: EventSummary;
  issues: EpcisIssue[];
}

type Candidate = Entry & { eventId: string; summary: EventSummary };

const GROUPS = { maxItems: 500, concurrency: 2 };

@Injectable()
export class CaptureService {
  private readonly logger = new Logger(CaptureService.name);
  /** POST /events in flight share the duplicate check and the record of accepted events (one statement each). */
  private readonly duplicateChecks = new GroupCommit((ids: string[]) => this.alreadyCaptured(ids).then((known) => ids.map((id) => known.has(id))), GROUPS);
  private readonly acceptances = new GroupCommit((ps: Publication[]) => this.recordAccepted(null, ps).then(() => ps.map(() => undefined)), GROUPS);

  constructor(
    private readonly verifier: SignatureVerifier,
    private readonly publisher: EventPublisher,
    private readonly registry: RegistryCache,
    private readonly rejections: RejectionLog,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * POST /events: one event, signed by itself or by a batch signature over it alone, submitted by the partner
   * that signed it (`submitter`, from its API credential). 409 if already captured.
   */
  async captureOne(doc: ReadDocument, batchJws: string | undefined, submitter: string): Promise<AcceptedEvent> {
    try {
      return await this.acceptOne(doc, batchJws, submitter);
    } catch (e) {
      if (e instanceof ProblemException && e.getStatus() < 500) {
        const p = e.getResponse() as { type: string; detail: string; eventId?: string };
        await this.rejections.record([{ event: doc.events[0], eventId: p.eventId, rule: p.type.split('/').pop()!, message: p.detail }]);
      }
      throw e;
    }
  }

  private async acceptOne(doc: ReadDocument, batchJws: string | undefined, submitter: string): Promise<AcceptedEvent> {
    const recordTime = new Date();
    const [entry] = this.entries(doc);
    if (entry.issues.length) throw new ProblemException(400, 'invalid-event', entry.issues.map((i) => `${i.path}: ${i.message}`).join('; '), { errors: entry.issues });
    const c = entry as Candidate;
    // The signature first: whether an event exists is told only to someone who could sign it.
    const [publication] = await this.sign([c], [c.eventId], batchJws, recordTime).catch(rethrowAsProblem);
    const denied = await this.authorize(c, publication, submitter);
    if (denied) throw new ProblemException(403, denied.rule, denied.message, { eventId: c.eventId });
    if (await this.duplicateChecks.submit(c.eventId))
      throw new ProblemException(409, 'duplicate-event', `event ${c.eventId} has already been captured`, { eventId: c.eventId });
    await this.publisher.publish(publication);
    await this.acceptances.submit(publication);
    return { eventId: c.eventId, recordTime: publication.captured.recordTime, signer: publication.captured.signer };
  }

  /**
   * POST /capture: a whole document. With `rollback` any failing event fails the capture and nothing is
   * published; with `proceed` the valid events are published and the others reported in the job.
   * A document signature covers the hash IDs of all its events, so it is checked against all of them.
   */
  async captureDocument(doc: ReadDocument, batchJws: string | undefined, behaviour: ErrorBehaviour, submitter: string): Promise<CaptureJob> {
    const createdAt = new Date();
    const entries = this.entries(doc);
    const errors: EpcisIssue[] = [...doc.issues.filter((i) => i.eventIndex === undefined), ...entries.flatMap((e) => e.issues)];
    const valid = entries.filter((e): e is Candidate => !e.issues.length && e.eventId !== undefined && e.summary !== undefined);
    let signed: { entry: Candidate; publication: Publication }[] = [];
    if (batchJws) {
      const ids = entries.map((e) => e.eventId);
      if (ids.some((id) => id === undefined))
        throw new ProblemException(422, 'signature-invalid', 'the document signature cannot be checked: some events have no event hash ID', { errors });
      const ps = await this.sign(valid, ids as string[], batchJws, createdAt).catch(rethrowAsProblem);
      signed = valid.map((entry, i) => ({ entry, publication: ps[i] }));
    } else {
      const results = await Promise.allSettled(valid.map((entry) => this.sign([entry], [entry.eventId], undefined, createdAt)));
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') return void signed.push({ entry: valid[i], publication: r.value[0] });
        if (!(r.reason instanceof SignatureRejected)) throw r.reason;
        errors.push(issue(valid[i], r.reason.slug, r.reason.message));
      });
    }
    const authorized: typeof signed = [];
    for (const s of signed) {
      const denied = await this.authorize(s.entry, s.publication, submitter);
      if (denied) errors.push(issue(s.entry, denied.rule, denied.message));
      else authorized.push(s);
    }
    // Duplicates only after the signatures: whether an event exists is told only to someone who could sign it.
    const known = await this.alreadyCaptured(authorized.map((s) => s.entry.eventId));
    let publications = authorized.flatMap(({ entry, publication }) => {
      if (!known.has(entry.eventId)) return (known.add(entry.eventId), [publication]);
      errors.push(issue(entry, 'duplicate', `event ${entry.eventId} has already been captured`));
      return [];
    });
    if (errors.length && behaviour === 'rollback') publications = [];
    if (publications.length) {
      await this.publisher.publishAll(publications);
      await this.recordMasterData(doc, publications[0].captured.signer.gln);
    }
    return this.finish(doc, entries, createdAt, behaviour, publications, errors, submitter);
  }

  /** A capture job, for the partner that submitted it (`submitter`), or for anyone when undefined (a regulator). */
  async job(id: string, submitter?: string): Promise<CaptureJob | undefined> {
    const [row] = (await this.db.query('SELECT * FROM ingest.capture_job WHERE id = $1 AND ($2::text IS NULL OR submitter = $2)', [id, submitter ?? null])) as {
      id: string;
      created_at: Date;
      finished_at: Date;
      success: boolean;
      error_behaviour: ErrorBehaviour;
      event_count: number;
      accepted_count: number;
      errors: EpcisIssue[];
    }[];
    return row && toJob(row.id, row.created_at, row.finished_at, row.success, row.error_behaviour, row.event_count, row.accepted_count, row.errors);
  }

  /** Each event with its hash ID and summary, and whatever keeps it from being captured. */
  private entries(doc: ReadDocument): Entry[] {
    return doc.events.map((event, index) => {
      const eventID = typeof event.eventID === 'string' ? event.eventID : undefined;
      const issues = doc.issues.filter((i) => i.eventIndex === index);
      let eventId: string | undefined;
      let summary: EventSummary | undefined;
      try {
        eventId = eventHashId(splitSignature(event).unsigned, { context: doc.context });
      } catch (e) {
        issues.push({ eventIndex: index, eventID, path: '', rule: 'event-hash', message: (e as Error).message });
      }
      try {
        summary = summarizeEvent(event, index);
      } catch (e) {
        if (!(e instanceof EpcisValidationError)) throw e;
        issues.push(...e.issues.map((i) => ({ ...i, eventIndex: index, eventID })));
      }
      return { index, event, context: doc.context, eventId, summary, issues };
    });
  }

  /**
   * Verifies signatures and builds the Kafka records. A batch signature signs `batchIds`, the hash IDs
   * of every event of the document in document order; `cs` may be a subset of them.
   */
  private async sign(cs: Candidate[], batchIds: string[], batchJws: string | undefined, recordTime: Date): Promise<Publication[]> {
    if (!batchJws) {
      return Promise.all(cs.map(async (c) => this.publication(c, await this.verifier.verifyEvent(c.event, recordTime), recordTime)));
    }
    const { payload, positions } = await batchOf(batchIds);
    const signer = await this.verifier.verify(batchJws, payload, recordTime);
    return cs.map((c) => this.publication(c, signer, recordTime, { jws: batchJws, position: positions[c.index] }));
  }

  /**
   * The signer must be the partner whose credential submits the event, and the party that performed the event
   * (docs/signature-protocol.md).
   */
  private async authorize(c: Candidate, p: Publication, submitter: string): Promise<{ rule: string; message: string } | undefined> {
    if (p.captured.signer.gln !== submitter)
      return { rule: 'submitter-not-signer', message: `the event is signed by ${p.captured.signer.gln}, but submitted with the credential of ${submitter}` };
    const result = authorizeSigner(c.summary, p.captured.signer.gln, await this.registry.view());
    return result.ok ? undefined : result;
  }

  private publication(c: Candidate, signer: Signer, recordTime: Date, batchSignature?: CapturedEvent['batchSignature']): Publication {
    const captured: CapturedEvent = { v: 1, eventId: c.eventId, event: c.event, context: c.context, signer, recordTime: recordTime.toISOString(), batchSignature };
    return { key: partitionKey(c.summary, c.eventId), captured };
  }

  private async alreadyCaptured(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = (await this.db.query('SELECT event_id FROM ingest.captured_event WHERE event_id = ANY($1)', [ids])) as { event_id: string }[];
    return new Set(rows.map((r) => r.event_id));
  }

  /** After Kafka's acknowledgement: a failure here only weakens replay detection, so it is logged, not raised. */
  private async recordAccepted(captureId: string | null, ps: Publication[]): Promise<void> {
    if (!ps.length) return;
    await this.db
      .query(
        `INSERT INTO ingest.captured_event (event_id, capture_id, signer_gln, recorded_at)
         SELECT e.id, $2, e.gln, e.at FROM jsonb_to_recordset($1::jsonb) AS e(id text, gln text, at timestamptz) ON CONFLICT DO NOTHING`,
        [JSON.stringify(ps.map((p) => ({ id: p.captured.eventId, gln: p.captured.signer.gln, at: p.captured.recordTime }))), captureId],
      )
      .catch((e: Error) => this.logger.error(`could not record ${ps.length} accepted events: ${e.message}`));
  }

  private async recordMasterData(doc: ReadDocument, sourceGln: string): Promise<void> {
    if (!doc.masterData.length) return;
    await this.db.query(
      `INSERT INTO ingest.master_data (vocabulary, id, attributes, source_gln, updated_at)
       SELECT m.vocabulary, m.id, m.attributes, $2, now() FROM jsonb_to_recordset($1::jsonb) AS m(vocabulary text, id text, attributes jsonb)
       ON CONFLICT (vocabulary, id) DO UPDATE SET attributes = EXCLUDED.attributes, source_gln = EXCLUDED.source_gln, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(doc.masterData), sourceGln],
    );
  }

  private async finish(
    doc: ReadDocument,
    entries: Entry[],
    createdAt: Date,
    behaviour: ErrorBehaviour,
    published: Publication[],
    errors: EpcisIssue[],
    submitter: string,
  ): Promise<CaptureJob> {
    const id = randomUUID();
    const finishedAt = new Date();
    const success = errors.length === 0;
    await this.db.query(
      `INSERT INTO ingest.capture_job (id, created_at, finished_at, success, error_behaviour, format, event_count, accepted_count, errors, submitter)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, createdAt, finishedAt, success, behaviour, doc.format, doc.events.length, published.length, JSON.stringify(errors), submitter],
    );
    await this.recordAccepted(id, published);
    await this.rejections.record(
      errors.map((e) => ({
        captureId: id,
        eventIndex: e.eventIndex,
        eventId: e.eventIndex === undefined ? undefined : entries[e.eventIndex]?.eventId,
        rule: e.rule,
        message: e.message,
        event: e.eventIndex === undefined ? undefined : doc.events[e.eventIndex],
      })),
    );
    return toJob(id, createdAt, finishedAt, success, behaviour, doc.events.length, published.length, errors);
  }
}

function issue(c: Entry, rule: string, message: string): EpcisIssue {
  return { eventIndex: c.index, eventID: typeof c.event.eventID === 'string' ? c.event.eventID : undefined, path: '', rule, message };
}

function rethrowAsProblem(e: unknown): never {
  if (e instanceof SignatureRejected) throw new ProblemException(e.status, e.slug, e.message);
  throw e;
}

function toJob(
  id: string,
  createdAt: Date,
  finishedAt: Date,
  success: boolean,
  behaviour: ErrorBehaviour,
  eventCount: number,
  acceptedCount: number,
  errors: EpcisIssue[],
): CaptureJob {
  return {
    captureID: id,
    createdAt: createdAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    running: false,
    success,
    captureErrorBehaviour: behaviour,
    eventCount,
    acceptedCount,
    errors,
  };
}
