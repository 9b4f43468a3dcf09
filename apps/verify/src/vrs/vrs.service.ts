import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isGln, toDigitalLink } from '@app/gs1';
import { Problem, ProblemException, toProblem } from '@app/platform';
import { isRegulator, PartnerAuthenticator, RegistryCache, type Principal } from '@app/registry';
import { AccessLog, ANONYMOUS } from '../access/access-log.service';
import { VerificationService } from '../scan/verification.service';
import { ConnectivityResponse, connectivityResponse, DEFAULT_VRS_POLICY, vrsAnswer, VrsResponse, vrsResponse } from './vrs-answer';
import { ConnectivityRequest, parseVrsRequest, VerifyRequest, VrsFields, VrsRequest, VrsRequestError } from './vrs-request';

type Answer = VrsResponse | ConnectivityResponse;

/** What the access log says about one request, beyond who asked. */
interface Audit {
  subject?: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

/**
 * The VRS responder: a verification request in, the platform's custody assessment of the package, the
 * guideline's answer out. Every request, answered or refused, is recorded in verify.vrs_request and the access log.
 *
 * HTTP status codes, as the guideline uses them:
 * - 200 with the verification response, whether or not the product identifier verified;
 * - 400 for a malformed request (not a GS1 Digital Link, an unknown context, reqGLN or corrUUID missing or malformed);
 * - 401 when the request carries no valid partner credential (Authorization: Bearer dscsa_…; unknown, expired
 *   or revoked credentials included), 403 when reqGLN is not the GLN of the partner the credential was issued
 *   to (a regulator may name any requester);
 * - 404 for a GTIN this responder does not serve: no registered partner owns its GS1 company prefix;
 * - 503 when no responder GLN is configured, and when a backing service is down.
 * The guideline says only a 200 carries a JSON payload: refusals here carry the platform's RFC 9457
 * application/problem+json body anyway, which a requester acting on the status code alone can ignore.
 */
@Injectable()
export class VrsService {
  private readonly logger = new Logger('VRS');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly verification: VerificationService,
    private readonly registry: RegistryCache,
    private readonly config: ConfigService,
    private readonly accessLog: AccessLog,
    private readonly partners: PartnerAuthenticator,
  ) {}

  /**
   * Answers the request whose path and query (percent-encoded, as received) are `url`, from the holder of the
   * `authorization` credential; throws the refusals.
   */
  async answer(url: string, authorization: string | undefined, clientIp?: string): Promise<Answer> {
    const receivedAt = new Date();
    let fields: VrsFields = {};
    let who: Principal | undefined;
    let result: { status: number; body: Answer | Problem; audit: Audit; error?: unknown };
    try {
      who = await this.partners.authenticate(authorization);
      let request: VrsRequest;
      try {
        request = parseVrsRequest(url);
      } catch (e) {
        if (!(e instanceof VrsRequestError)) throw e;
        fields = e.fields;
        throw new ProblemException(400, 'invalid-vrs-request', e.message, { errors: e.errors });
      }
      fields = request.fields;
      if (request.fields.reqGLN !== who.gln && !isRegulator(who))
        throw new ProblemException(403, 'forbidden', `reqGLN ${request.fields.reqGLN} is not the GLN of the authenticated partner (${who.gln})`);
      const responderGLN = this.responderGln();
      if (request.gtin !== undefined) await this.assertServed(request.gtin);
      result = { status: 200, ...(request.kind === 'verify' ? await this.verify(request, responderGLN) : this.connectivity(request, responderGLN)) };
    } catch (error) {
      const problem = toProblem(error);
      problem.instance ??= url; // as the problem filter will render it
      result = { status: problem.status, body: problem, audit: { outcome: `http-${problem.status}` }, error };
    }
    try {
      await this.record(receivedAt, fields, result, who?.gln ?? ANONYMOUS, url, clientIp);
    } catch (e) {
      if (!result.error) throw e; // an answer that cannot be recorded is not given
      this.logger.error(`could not record a refused VRS request: ${(e as Error).message}`);
    }
    if (result.error) throw result.error;
    return result.body as Answer;
  }

  private async verify(request: VerifyRequest, responderGLN: string): Promise<{ body: VrsResponse; audit: Audit }> {
    const scan = this.verification.parse(toDigitalLink({ '01': request.gtin, '10': request.lot, '17': request.expiry, '21': request.serial }));
    // The requester is not passed as the scanner: a saleable return is verified by whoever holds it, which the log need not show yet.
    const assessment = await this.verification.verify(scan);
    const data = vrsAnswer(assessment, DEFAULT_VRS_POLICY);
    return {
      body: vrsResponse({ responderGLN, corrUUID: request.corrUUID, data, at: new Date() }),
      audit: {
        subject: scan.sgtin,
        outcome: data.verified ? 'verified' : data.verificationFailureReason!,
        detail: { verdict: assessment.verdict, reasons: assessment.reasons.map((r) => r.code), ...data },
      },
    };
  }

  private connectivity(request: ConnectivityRequest, responderGLN: string): { body: ConnectivityResponse; audit: Audit } {
    return { body: connectivityResponse({ responderGLN, corrUUID: request.corrUUID, at: new Date() }), audit: { outcome: 'connectivity' } };
  }

  /**
   * The responder's GLN, from VRS_RESPONDER_GLN. Without a valid one every request is answered 503 "VRS responder
   * not configured" rather than with a placeholder such as 0000000000000: requesters keep the answer as evidence
   * of who verified, and the GTIN's brand owner did not answer, this platform did.
   */
  private responderGln(): string {
    const gln = this.config.get<string>('VRS_RESPONDER_GLN');
    if (!gln || !/^\d{13}$/.test(gln) || !isGln(gln))
      throw new ProblemException(503, 'vrs-not-configured', 'VRS responder not configured: VRS_RESPONDER_GLN must be the 13-digit GLN of the responder');
    return gln;
  }

  /** A GTIN is served when a registered trading partner owns its GS1 company prefix: the platform holds its commissionings. */
  private async assertServed(gtin: string): Promise<void> {
    if (!(await this.registry.view()).prefixOwner(gtin))
      throw new ProblemException(404, 'unknown-gtin', `GTIN ${gtin} is not served by this responder: no registered partner owns its company prefix`);
  }

  private async record(
    receivedAt: Date,
    f: VrsFields,
    result: { status: number; body: Answer | Problem; audit: Audit },
    actor: string,
    url: string,
    clientIp: string | undefined,
  ): Promise<void> {
    const [row] = (await this.db.query(
      `INSERT INTO verify.vrs_request (received_at, req_gln, context, corr_uuid, gtin, serial, lot, expiry, response, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [receivedAt, f.reqGLN ?? null, f.context ?? null, f.corrUUID ?? null, f.gtin ?? null, f.serial ?? null, f.lot ?? null, f.expiry ?? null, JSON.stringify(result.body), result.status],
    )) as { id: string }[];
    await this.accessLog.record(
      {
        actor,
        action: 'vrs',
        subject: result.audit.subject ?? subjectOf(f) ?? url,
        gtin: f.gtin !== undefined && /^\d{14}$/.test(f.gtin) ? f.gtin : undefined,
        outcome: result.audit.outcome,
        detail: { vrsRequest: Number(row.id), status: result.status, reqGLN: f.reqGLN, context: f.context, corrUUID: f.corrUUID, ...result.audit.detail },
      },
      { ip: clientIp },
    );
  }
}

/** The package's canonical Digital Link, or the GTIN's, when the request named them well enough. */
function subjectOf(f: VrsFields): string | undefined {
  try {
    if (f.gtin !== undefined) return toDigitalLink(f.serial === undefined ? { '01': f.gtin } : { '01': f.gtin, '21': f.serial });
  } catch {
    // a malformed GTIN or serial: the request URL stands in
  }
  return undefined;
}
