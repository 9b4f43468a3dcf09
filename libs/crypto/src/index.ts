export { base64urlDecode, base64urlEncode } from './base64url';
export { bytesToHex, hexToBytes, sha256, sha256Hex } from './digest';
export { CryptoError, type CryptoErrorCode } from './errors';
export { canonicalize } from './jcs';
export { signJson, verifyJson } from './json-signature';
export {
  parseJwsHeader,
  signDetached,
  verifyDetached,
  type JwsHeader,
  type VerifyEngine,
  type VerifyFailureReason,
  type VerifyOptions,
  type VerifyResult,
} from './jws';
export {
  generateKeyPair,
  jwkThumbprint,
  publicJwkFromPrivate,
  validatePublicJwk,
  type Ed25519PrivateJwk,
  type Ed25519PublicJwk,
  type JwkInput,
  type JwsAlg,
  type KeyPair,
  type P256PrivateJwk,
  type P256PublicJwk,
  type PrivateJwk,
  type PublicJwk,
} from './keys';
export { utf8Decode, utf8Encode } from './utf8';
