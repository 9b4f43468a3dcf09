import { HttpException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { DataSource } from 'typeorm';
import type { PartnerAuthenticator, RegistryCache } from '@app/registry';
import { ProblemException } from '@app/platform';
import type { AccessLog } from '../access/access-log.service';
import type { VerificationService } from '../scan/verification.service';
import { VrsService } from './vrs.service';

const GTIN = '00614141123452';
const REQUESTER = '0360002914522';
const URL = `/01/${GTIN}/10/LOT42/21/SER001?17=280630&context=dscsaSaleableReturn&reqGLN=${REQUESTER}&corrUUID=6a0e3f06-1c9d-4d5e-9a2b-0c4f7a1b2c3d`;

function service(o: { responderGln?: string; failInsert?: boolean } = {}) {
  const inserts: unknown[][] = [];
  const db = {
    query: async (_sql: string, params: unknown[]) => {
      if (o.failInsert) throw new Error('connection terminated');
      inserts.push(params);
      return [{ id: String(inserts.length) }];
    },
  };
  const verification = {
    parse: (code: string) => ({ gtin: GTIN, sgtin: `https://id.gs1.org/01/${GTIN}/21/SER001`, code }),
    verify: async () => ({ verdict: 'VERIFIED', reasons: [] }),
  };
  const registry = { view: async () => ({ prefixOwner: () => ({ prefix: '0614141', gln: '0614141000005', delegates: [] }) }) };
  const config = { get: (key: string) => (key === 'VRS_RESPONDER_GLN' ? o.responderGln : undefined) };
  const access: unknown[] = [];
  const accessLog = { record: async (e: unknown) => void access.push(e) };
  const principals: Record<string, { gln: string; roles: string[] }> = {
    'Bearer requester': { gln: REQUESTER, roles: ['dispenser'] },
    'Bearer other': { gln: '0614141000012', roles: ['wholesaler'] },
    'Bearer fda': { gln: '0614141000029', roles: ['regulator'] },
  };
  const partners = {
    authenticate: async (header: string | undefined) => {
      const who = principals[header ?? ''];
      if (!who) throw new ProblemException(401, 'unauthorized', 'a partner credential is required');
      return { ...who, credentialId: 'c1' };
    },
  };
  const vrs = new VrsService(
    db as unknown as DataSource,
    verification as unknown as VerificationService,
    registry as unknown as RegistryCache,
    config as unknown as ConfigService,
    accessLog as unknown as AccessLog,
    partners as unknown as PartnerAuthenticator,
  );
  return { vrs, inserts, access };
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpException) return e.getStatus();
    throw e;
  }
  return 200;
}

describe('VrsService', () => {
  it('answers and records a verification', async () => {
    const { vrs, inserts, access } = service({ responderGln: '0614141000012' });
    const body = await vrs.answer(URL, 'Bearer requester');
    expect(body).toMatchObject({ responderGLN: '0614141000012', data: { verified: true } });
    expect(inserts).toHaveLength(1);
    expect(inserts[0].slice(1, 8)).toEqual(['0360002914522', 'dscsaSaleableReturn', '6a0e3f06-1c9d-4d5e-9a2b-0c4f7a1b2c3d', GTIN, 'SER001', 'LOT42', '280630']);
    expect(JSON.parse(inserts[0][8] as string)).toStrictEqual(body);
    expect(inserts[0][9]).toBe(200);
    expect(access).toEqual([expect.objectContaining({ action: 'vrs', outcome: 'verified', detail: expect.objectContaining({ vrsRequest: 1 }) })]);
  });

  it('refuses, and records, a request without a valid credential (401) or naming another requester (403); a regulator may name any', async () => {
    const { vrs, inserts, access } = service({ responderGln: '0614141000012' });
    expect(await status(vrs.answer(URL, undefined))).toBe(401);
    expect(await status(vrs.answer(URL, 'Bearer forged'))).toBe(401);
    expect(await status(vrs.answer(URL, 'Bearer other'))).toBe(403);
    expect(await status(vrs.answer(URL, 'Bearer fda'))).toBe(200);
    expect(inserts.map((i) => i[9])).toEqual([401, 401, 403, 200]);
    expect(access.map((a) => (a as { actor: string }).actor)).toEqual(['anonymous', 'anonymous', '0614141000012', '0614141000029']);
  });

  it.each([undefined, '0614141000013', '614141000012'])('answers 503 when the responder GLN is %p, and records the refusal', async (gln) => {
    const { vrs, inserts } = service({ responderGln: gln });
    expect(await status(vrs.answer(URL, 'Bearer requester'))).toBe(503);
    expect(inserts[0][9]).toBe(503);
    expect(JSON.parse(inserts[0][8] as string)).toMatchObject({ status: 503, detail: expect.stringMatching(/VRS responder not configured/), instance: URL });
  });

  it('does not give an answer it cannot record', async () => {
    const { vrs } = service({ responderGln: '0614141000012', failInsert: true });
    await expect(vrs.answer(URL, 'Bearer requester')).rejects.toThrow(/connection terminated/);
  });

  it('still refuses a malformed request when recording fails', async () => {
    const { vrs } = service({ responderGln: '0614141000012', failInsert: true });
    expect(await status(vrs.answer(URL.replace(`&reqGLN=${REQUESTER}`, ''), 'Bearer requester'))).toBe(400);
  });
});
