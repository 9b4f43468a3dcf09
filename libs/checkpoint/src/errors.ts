/** Machine-readable failure codes. */
export type CheckpointErrorCode =
  | 'MALFORMED_NOTE' // not a signed note: encoding, layout, signature line syntax or size limits
  | 'MALFORMED_CHECKPOINT' // the note text is not a tlog-checkpoint body
  | 'WRONG_ORIGIN' // a checkpoint of another log
  | 'INVALID_KEY' // a key name, vkey, skey or public key that may not be used
  | 'INVALID_ARGUMENT' // a value the caller should never pass (empty signer list, time out of range, ...)
  | 'BAD_SIGNATURE' // a signature from a known key that does not verify: the whole note is rejected
  | 'UNVERIFIED' // no signature from a known key (or from the required key) verifies
  | 'AMBIGUOUS_KEY' // two verifiers share the name and key ID a signature refers to
  | 'UNKNOWN_KEY'; // the signature is not from the key it is checked against

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';

  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
  ) {
    super(message);
  }
}
