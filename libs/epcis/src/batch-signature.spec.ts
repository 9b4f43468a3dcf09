import { generateKeyPair, signDetached, verifyDetached } from '@app/crypto';
import { batchOf, batchPayloadFor } from './batch-signature';

describe('batch signatures', () => {
  const ids = Array.from({ length: 7 }, (_, i) => `ni:///sha-256;${i.toString(16).padStart(64, '0')}?ver=CBV2.0`);

  it('lets every event of a signed document be verified on its own', async () => {
    const key = generateKeyPair('EdDSA');
    const { payload, positions } = await batchOf(ids);
    const jws = signDetached(payload, key.privateJwk, { kid: '0614141000005/k' });
    ids.forEach((id, i) => expect(verifyDetached(jws, batchPayloadFor(id, positions[i]), key.publicJwk).ok).toBe(true));
  });

  it('fails for an event that was not in the document or sits at another position', async () => {
    const key = generateKeyPair('EdDSA');
    const { payload, positions } = await batchOf(ids);
    const jws = signDetached(payload, key.privateJwk, { kid: '0614141000005/k' });
    const stranger = `ni:///sha-256;${'f'.repeat(64)}?ver=CBV2.0`;
    expect(verifyDetached(jws, batchPayloadFor(stranger, positions[0]), key.publicJwk).ok).toBe(false);
    expect(verifyDetached(jws, batchPayloadFor(ids[1], positions[0]), key.publicJwk).ok).toBe(false);
  });

  it('signs a single-event document with an empty proof', async () => {
    const { positions } = await batchOf([ids[0]]);
    expect(positions).toEqual([{ index: 0, count: 1, proof: [] }]);
  });
});
