export { CheckpointError, type CheckpointErrorCode } from './errors';
export {
  COSIGNATURE_V1,
  ED25519,
  formatSkey,
  formatVkey,
  generateSignerKey,
  isValidKeyName,
  keyId,
  parseSkey,
  parseVkey,
  signerKey,
  verifierKey,
  type KeyType,
  type SignerKey,
  type VerifierKey,
} from './keys';
export {
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
  formatSignatureLine,
  noteSigner,
  noteVerifier,
  openNote,
  signNote,
  type Note,
  type NoteSignature,
  type Signer,
  type Verifier,
} from './note';
export {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  type Checkpoint,
  type CheckpointFields,
} from './checkpoint';
export { cosign, cosignatureSigner, cosignatureTime, cosignatureVerifier, verifyCosignature } from './cosignature';
export { checkConsistency, type ConsistencyCheck, type Refusal, type TreeHead } from './witness';
