import { CryptoError } from './errors';

describe('CryptoError', () => {
  it('is an Error with a name and a machine-readable code', () => {
    const error = new CryptoError('INVALID_KEY', 'bad key');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY', message: 'bad key' });
    expect(String(error)).toBe('CryptoError: bad key');
  });
});
