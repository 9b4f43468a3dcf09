/**
 * Source of the worker thread that owns libxml2 (libxml2-wasm). libxml2-wasm is an ES module with
 * top-level await, which a CommonJS process (and Jest's module registry) cannot require(); a worker
 * is a fresh Node.js context that can import() it. The worker compiles each XSD once, on start-up,
 * from in-memory copies of the schema files (no file-system or network access is registered for
 * parsing input documents), then answers one request at a time:
 *
 *   request  { id, xml: string, version: '2.0' | '1.2' }
 *   response { id, ok: true } | { id, ok: false, stage: 'parse' | 'validate', details, events }
 *            | { id, error: string }
 *
 * After posting a response it sets signal[0] to 1 and notifies, so the caller can block on
 * Atomics.wait and read the response synchronously with receiveMessageOnPort.
 *
 * Kept as a plain-JavaScript string so it runs without a TypeScript loader, both in dist/ and under Jest.
 */
export const XSD_WORKER_SOURCE = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const { port, signal, libxml2Url, schemas } = workerData;
const flag = new Int32Array(signal);
let LX; // the libxml2-wasm module, once loaded

function reply(message) {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

const ready = (async () => {
  const lx = await import(libxml2Url);
  LX = lx;
  const files = {};
  for (const s of schemas) for (const [name, bytes] of Object.entries(s.files)) files[s.base + name] = bytes;
  lx.xmlRegisterInputProvider(new lx.XmlBufferInputProvider(files));
  const validators = {};
  try {
    for (const s of schemas) {
      const url = s.base + s.main;
      const doc = lx.XmlDocument.fromBuffer(files[url], { url });
      try {
        validators[s.version] = lx.XsdValidator.fromDoc(doc);
      } finally {
        doc.dispose();
      }
    }
  } finally {
    // Input documents get no resolver at all: no xi:include, external entity or schemaLocation is read.
    lx.xmlCleanupInputProvider();
  }
  const options = lx.ParseOption.XML_PARSE_NONET | (lx.ParseOption.XML_PARSE_NO_XXE || 0);
  return { lx, validators, options };
})();
ready.catch(() => undefined);
// Never die silently: the caller is blocked waiting for an answer.
process.on('uncaughtException', (e) => reply({ id: -1, error: String((e && e.stack) || e) }));
process.on('unhandledRejection', (e) => reply({ id: -1, error: String((e && e.stack) || e) }));

function elementChildren(node) {
  const out = [];
  for (let c = node.firstChild; c; c = c.next) if (c instanceof LX.XmlElement) out.push(c);
  return out;
}

function childNamed(node, local) {
  return elementChildren(node).find((c) => c.name === local && !c.namespaceUri);
}

function qname(el) {
  return el.prefix ? el.prefix + ':' + el.name : el.name;
}

// Events in document order with the node path libxml2 reports for them (xmlGetNodePath style:
// a position suffix only when a sibling has the same name), their line and eventID. EPCIS 1.2 puts
// TransformationEvent in EventList/extension and newer events in EventList/extension/extension.
function listEvents(doc) {
  const events = [];
  const root = doc.root;
  const body = root && childNamed(root, 'EPCISBody');
  const list = body && childNamed(body, 'EventList');
  if (!list) return events;
  const visit = (parent, parentPath) => {
    const kids = elementChildren(parent);
    const key = (k) => qname(k) + '|' + k.namespaceUri;
    const counts = {};
    for (const k of kids) counts[key(k)] = (counts[key(k)] || 0) + 1;
    const seen = {};
    for (const k of kids) {
      seen[key(k)] = (seen[key(k)] || 0) + 1;
      const path = parentPath + '/' + qname(k) + (counts[key(k)] > 1 ? '[' + seen[key(k)] + ']' : '');
      if (k.name === 'extension' && !k.namespaceUri) {
        visit(k, path);
        continue;
      }
      const base = childNamed(k, 'baseExtension');
      const idEl = childNamed(k, 'eventID') || (base && childNamed(base, 'eventID'));
      events.push({ path, line: k.line, eventID: idEl ? idEl.content.trim() : undefined, name: k.name });
    }
  };
  visit(list, '/' + qname(root) + '/EPCISBody/EventList');
  return events;
}

function plainDetails(details) {
  return (details || []).map((d) => ({ message: String(d.message || '').trim(), line: d.line || 0, col: d.col || 0, xpath: d.xpath, level: d.level }));
}

port.on('message', async (req) => {
  const id = req && req.id;
  try {
    const { lx, validators, options } = await ready;
    const validator = validators[req.version];
    if (!validator) return reply({ id, error: 'no XSD for EPCIS ' + req.version });
    let doc;
    try {
      doc = lx.XmlDocument.fromString(req.xml, { option: options });
    } catch (e) {
      return reply({ id, ok: false, stage: 'parse', details: plainDetails(e && e.details).length ? plainDetails(e.details) : [{ message: String(e && e.message || e), line: 0, col: 0 }], events: [] });
    }
    try {
      validator.validate(doc);
      reply({ id, ok: true });
    } catch (e) {
      if (!(e instanceof lx.XmlValidateError)) throw e;
      let events = [];
      try { events = listEvents(doc); } catch (_) { events = []; }
      reply({ id, ok: false, stage: 'validate', details: plainDetails(e.details), events });
    } finally {
      doc.dispose();
    }
  } catch (e) {
    reply({ id, error: String((e && e.stack) || e) });
  }
});
`;
