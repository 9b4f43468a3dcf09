import { parseScan, Gs1Error, sgtinUri } from '@app/gs1';
import {
  checkEvents,
  EpcisInputError,
  EpcisParseError,
  EpcisSchemaUnavailableError,
  eventHashId,
  parseEpcisDocument,
  toJsonLdDocument,
  validateEpcisInput,
  type EpcisDocumentModel,
  type EpcisIssue,
} from '@app/epcis';
import { CliError } from '../cli-error';
import { readInputBytes, writeOutput } from '../io';

async function readDocument(file: string): Promise<{ raw: Buffer; doc: EpcisDocumentModel }> {
  const raw = await readInputBytes(file);
  try {
    return { raw, doc: parseEpcisDocument(raw) };
  } catch (e) {
    if (e instanceof EpcisParseError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

/** `hash FILE`: one CBV 2.0 event hash ID per line, in document order. */
export async function hash(file: string): Promise<void> {
  const { doc } = await readDocument(file);
  await writeOutput(undefined, doc.events.map((e) => eventHashId(e, { context: doc.context })).join('\n'));
}

/** `validate FILE`: schema (JSON schema or XSD) and GS1 rules; exit 1 with every error when invalid. */
export async function validate(file: string): Promise<void> {
  const { raw, doc } = await readDocument(file);
  let issues: EpcisIssue[];
  try {
    issues = [...validateEpcisInput(raw, doc.format, 'document'), ...checkEvents(doc.events, { '@context': doc.context })];
  } catch (e) {
    if (e instanceof EpcisInputError || e instanceof EpcisSchemaUnavailableError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
  if (!issues.length) return writeOutput(undefined, `${file}: valid EPCIS ${doc.format} document, ${doc.events.length} events`);
  const where = (i: EpcisIssue) => (i.eventIndex === undefined ? 'document' : `event ${i.eventIndex}${i.eventID ? ` (${i.eventID})` : ''}`);
  process.stderr.write(issues.map((i) => `${where(i)} ${i.path || '/'}: [${i.rule}] ${i.message}`).join('\n') + '\n');
  throw new CliError(`${file}: ${issues.length} error(s)`);
}

/** `convert FILE --to jsonld`: EPCIS 1.2 or 2.0 XML (or JSON) to EPCIS 2.0 JSON-LD. */
export async function convert(file: string, opts: { to?: string; out?: string }): Promise<void> {
  if (opts.to !== 'jsonld') throw new CliError('convert: --to jsonld is the only target', 2);
  const { doc } = await readDocument(file);
  await writeOutput(opts.out, JSON.stringify(toJsonLdDocument(doc), null, 2));
}

/** `scan TEXT`: what a scanned DataMatrix, element string or Digital Link says. */
export async function scan(text: string, opts: { prefixLength?: string }): Promise<void> {
  try {
    const s = parseScan(text);
    // An EPC URI splits company prefix from item reference, and only GS1's prefix list knows where;
    // 7 digits (the common GS1 US length) unless told otherwise, and said in the output.
    const prefixLength = opts.prefixLength === undefined ? 7 : Number(opts.prefixLength);
    const result = {
      gtin: s.gtin,
      ndc: s.ndc,
      serial: s.serial ?? null,
      lot: s.lot ?? null,
      expiry: s.expiry ?? null,
      sgtinUri: s.serial !== undefined ? sgtinUri(s.gtin, s.serial, prefixLength) : null,
      companyPrefixLength: prefixLength,
      digitalLink: s.digitalLink,
    };
    await writeOutput(undefined, JSON.stringify(result, null, 2));
  } catch (e) {
    if (e instanceof Gs1Error) throw new CliError(`scan: ${e.message}`);
    throw e;
  }
}
