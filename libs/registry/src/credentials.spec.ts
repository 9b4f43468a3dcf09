import { issueToken, parseToken, secretMatches } from './credentials';

describe('partner API tokens', () => {
  it('names the credential and proves the secret', () => {
    const issued = issueToken();
    const parsed = parseToken(issued.token)!;
    expect(parsed.id).toBe(issued.id);
    expect(secretMatches(parsed.secret, issued.secretHash)).toBe(true);
  });

  it('rejects another secret and anything that is not a token', () => {
    const issued = issueToken();
    const other = parseToken(issueToken().token)!;
    expect(secretMatches(other.secret, issued.secretHash)).toBe(false);
    for (const bad of ['', 'dscsa_', `${issued.token}x`, issued.token.replace('dscsa_', 'dscsb_'), 'Bearer x']) expect(parseToken(bad)).toBeUndefined();
  });
});
