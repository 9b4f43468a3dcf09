import { signDetached } from '@app/crypto';
import { batchOf, DSCSA_NAMESPACE, eventHashId, type JsonObject } from '@app/epcis';
import { DAY, type SimEvent } from './model';
import type { Partner, Product } from './partners';
import type { Simulation } from './simulation';

export const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { dscsa: DSCSA_NAMESPACE, gs1ushc: 'http://epcis.gs1us.org/hc/ns' }];

export interface SignedDocument {
  signer: Partner;
  /** An EPCIS 2.0 JSON-LD EPCISDocument, for POST /capture. */
  document: JsonObject;
  /** The DSCSA-Signature header: the signer's JWS over the batch of the document's event hash IDs. */
  signature: string;
  eventCount: number;
  /** EPCs the events name (EPC lists, parents and children). */
  epcCount: number;
}

interface Batch {
  signer: Partner;
  events: JsonObject[];
  bytes: number;
  epcs: number;
  since: number;
  until: number;
  ships: boolean;
}

/**
 * Cuts the event stream into one document per signer at a time, as a partner uploads its own events: a document is
 * sent when it is full (events or bytes) or holds a day's events, so buffers stay bounded however long the run.
 */
export async function* signedDocuments(
  sim: Pick<Simulation, 'options' | 'products'>,
  events: Iterable<SimEvent>,
): AsyncGenerator<SignedDocument> {
  const { eventsPerDocument, maxDocumentBytes } = sim.options;
  const batches = new Map<Partner, Batch>();
  let day = -1;
  for (const e of events) {
    if (Math.floor(e.time / DAY) !== day) {
      day = Math.floor(e.time / DAY);
      for (const b of [...batches.values()].filter((b) => b.since <= e.time - DAY)) yield close(b);
    }
    const bytes = JSON.stringify(e.event).length + 1;
    let b = batches.get(e.signer);
    if (b && (b.events.length >= eventsPerDocument || b.bytes + bytes > maxDocumentBytes)) {
      yield close(b);
      b = undefined;
    }
    if (!b) batches.set(e.signer, (b = { signer: e.signer, events: [], bytes: 0, epcs: 0, since: e.time, until: e.time, ships: false }));
    b.events.push(e.event);
    b.bytes += bytes;
    b.epcs += epcCount(e.event);
    b.until = e.time;
    b.ships ||= e.event.bizStep === 'shipping';
  }
  for (const b of [...batches.values()]) yield close(b);

  async function close(b: Batch): Promise<SignedDocument> {
    batches.delete(b.signer);
    const ids = b.events.map((event) => eventHashId(event, { context: EPCIS_CONTEXT }));
    const signature = signDetached((await batchOf(ids)).payload, b.signer.privateJwk, { kid: b.signer.kid });
    const products = sim.products.filter((p) => p.manufacturer === b.signer);
    const vocabularyList = [
      { type: 'urn:epcglobal:epcis:vtype:Location', vocabularyElementList: [siteMasterData(b.signer)] },
      ...(products.length ? [{ type: 'urn:epcglobal:epcis:vtype:EPCClass', vocabularyElementList: products.map(productMasterData) }] : []),
    ];
    const document = {
      '@context': EPCIS_CONTEXT,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date(b.until).toISOString(),
      epcisHeader: {
        // GS1 US guideline: the seller affirms the DSCSA transaction statement with each shipment.
        ...(b.ships && { 'gs1ushc:dscsaTransactionStatement': { 'gs1ushc:affirmTransactionStatement': 'true' } }),
        epcisMasterData: { vocabularyList },
      },
      epcisBody: { eventList: b.events },
    };
    return { signer: b.signer, document, signature, eventCount: b.events.length, epcCount: b.epcs };
  }
}

function epcCount(event: JsonObject): number {
  const list = (name: string) => (Array.isArray(event[name]) ? (event[name] as unknown[]).length : 0);
  return list('epcList') + list('childEPCs') + (event.parentID === undefined ? 0 : 1);
}

const attribute = (name: string, value: string) => ({ id: `urn:epcglobal:cbv:mda#${name}`, attribute: value });

/** CBV master data of a product class (urn:epc:idpat:sgtin), as the GS1 US DSCSA guideline has manufacturers send it. */
function productMasterData(p: Product): JsonObject {
  return {
    id: `${p.sgtinBase.replace(':id:sgtin:', ':idpat:sgtin:')}*`,
    attributes: [
      attribute('additionalTradeItemIdentification', p.ndc),
      attribute('additionalTradeItemIdentificationTypeCode', 'US_FDA_NDC'),
      attribute('regulatedProductName', p.name),
      attribute('manufacturerOfTradeItemPartyName', p.manufacturer.name),
      attribute('dosageFormType', p.dosageForm),
      attribute('strengthDescription', p.strength),
      attribute('netContentDescription', p.netContent),
    ],
  };
}

function siteMasterData(p: Partner): JsonObject {
  return { id: p.site, attributes: [attribute('name', p.name), attribute('state', p.state), attribute('countryCode', 'US')] };
}
