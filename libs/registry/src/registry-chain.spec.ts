import { generateKeyPair } from '@app/crypto';
import { checkRegistryChain, REGISTRY_GENESIS, RegistryChange, signRegistryChange } from './registry-chain';

describe('registry change chain', () => {
  const key = generateKeyPair('EdDSA');
  const build = (n: number) => {
    let prevHash = REGISTRY_GENESIS;
    return Array.from({ length: n }, (_, seq) => {
      const e: RegistryChange = { seq, at: `2026-11-22T00:00:0${seq}.000Z`, actor: 'admin', action: 'register-partner', change: { gln: `06141410000${seq}` }, prevHash };
      const signed = { ...e, ...signRegistryChange(e, key.privateJwk) };
      prevHash = signed.hash;
      return signed;
    });
  };

  it('holds when untouched', () => {
    expect(checkRegistryChain(build(4), key.publicJwk)).toBeUndefined();
  });

  it('finds a changed, removed or re-signed entry', () => {
    const changed = build(4);
    changed[2] = { ...changed[2], change: { gln: 'someone else' } };
    expect(checkRegistryChain(changed, key.publicJwk)).toEqual({ seq: 2, problem: 'hash does not match the entry' });
    const removed = build(4).filter((e) => e.seq !== 1);
    expect(checkRegistryChain(removed, key.publicJwk)).toEqual({ seq: 1, problem: 'entry 1 is missing' });
    const other = generateKeyPair('EdDSA');
    const resigned = build(3);
    resigned[1] = { ...resigned[1], ...signRegistryChange(resigned[1], other.privateJwk) };
    expect(checkRegistryChain(resigned, key.publicJwk)).toEqual({ seq: 1, problem: 'registry signature does not verify' });
  });
});
