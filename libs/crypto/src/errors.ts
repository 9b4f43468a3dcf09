/** Machine-readable failure codes. The JWS ones double as `VerifyResult` reasons. */
export type CryptoErrorCode =
  | 'JCS_UNREPRESENTABLE'
  | 'UTF8_INVALID'
  | 'BASE64URL_INVALID'
  | 'HEX_INVALID'
  | 'INVALID_KEY'
  | 'MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'ALG_KEY_MISMATCH';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}
