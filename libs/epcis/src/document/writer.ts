import type { JsonObject } from '../signature';
import { EPC_CLASS_VTYPE, LOCATION_VTYPE } from './master-data';
import { contextArray, defined } from './members';
import type { EpcisDocumentModel, MasterData, VocabularyAttributes } from './model';
import { EPCIS_CONTEXT_URL } from './xml-namespaces';

/**
 * The model as an EPCIS 2.0 JSON-LD EPCISDocument (query results become a plain document). Events are shared, not
 * copied. The SBDH fields the JSON binding has (sender, receiver, instanceIdentifier) are kept; the others have no
 * JSON member and are left out.
 */
export function toJsonLdDocument(model: EpcisDocumentModel): JsonObject {
  const vocabularyList = vocabularies(model.masterData);
  const epcisHeader = {
    ...(vocabularyList.length > 0 ? { epcisMasterData: { vocabularyList } } : {}),
    ...model.header?.extensions,
  };
  const sbdh = model.header?.sbdh;
  return defined({
    '@context': contextOf(model.context),
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: model.creationDate,
    sender: sbdh?.sender,
    receiver: sbdh?.receiver,
    instanceIdentifier: sbdh?.instanceIdentifier,
    ...model.extensions,
    epcisHeader: Object.keys(epcisHeader).length > 0 ? epcisHeader : undefined,
    epcisBody: { eventList: model.events },
  });
}

/** A bare event for `POST /events`: the context first, then the event's own context entries, if any. */
export function toJsonLdEvent(event: JsonObject, context: unknown[]): JsonObject {
  const { '@context': own, ...members } = event;
  return { '@context': contextOf([...context, ...contextArray(own)]), ...members };
}

/** A context without the EPCIS one is not EPCIS 2.0 JSON-LD; it is put first when missing. */
const contextOf = (context: unknown[]): unknown[] =>
  context.some((c) => typeof c === 'string') ? context : [EPCIS_CONTEXT_URL, ...context];

function vocabularies(masterData: MasterData): JsonObject[] {
  const tables: [string, Record<string, VocabularyAttributes>][] = [
    [EPC_CLASS_VTYPE, masterData.epcClass],
    [LOCATION_VTYPE, masterData.location],
    ...Object.entries(masterData.other ?? {}),
  ];
  return tables
    .filter(([, elements]) => Object.keys(elements).length > 0)
    .map(([type, elements]) => ({
      type,
      vocabularyElementList: Object.entries(elements).map(([id, attributes]) => ({
        id,
        // A repeated attribute was collected into an array; the binding lists each occurrence.
        attributes: Object.entries(attributes).flatMap(([attributeId, value]) =>
          (Array.isArray(value) ? value : [value]).map((attribute) => ({ id: attributeId, attribute })),
        ),
      })),
    }));
}
