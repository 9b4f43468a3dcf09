/** Where a partner's detached JWS travels inside an EPCIS 2.0 event (see docs/signature-protocol.md). */
export const SIGNATURE_MEMBER = 'dscsa:signature';
export const DSCSA_NAMESPACE = 'https://ns.dscsa-trace.org/epcis/';

export type JsonObject = Record<string, unknown>;

/** Separates the signature from the event it signs; the signed payload is the event without it. */
export function splitSignature(event: JsonObject): { unsigned: JsonObject; jws: string | undefined } {
  const { [SIGNATURE_MEMBER]: jws, ...unsigned } = event;
  return { unsigned, jws: typeof jws === 'string' ? jws : undefined };
}

export function attachSignature(event: JsonObject, jws: string): JsonObject {
  return { ...event, [SIGNATURE_MEMBER]: jws };
}
