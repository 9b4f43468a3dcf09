/**
 * Source of the worker thread that owns libxml2 (libxml2-wasm). libxml2-wasm is an ES module with
 * top-level await, which a CommonJS process (and Jest's module registry) cannot require(); a worker
 * is a fresh Node.js context that can import() it. The worker compiles each XSD once, on start-up,
 * from in-memory copies of the schema files (no file-system or network access is registered for
 * parsing input documents), then answers one request at a time:
 *
 *   request  { id, xml: string, version: '2.0' | '1.2' }
 *   response { id, ok: true } | { id, ok: false, stage: 'parse' | 'validate', details, more }
 *            (at most maxDetails diagnostics; `more` counts the ones left out)
 *            (each validation diagnostic tagged with the event it concerns: { index, path, eventID })
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
const { port, signal, libxml2Url, libxml2RawUrl, maxDetails, artefact, schemas } = workerData;
const ARTEFACT = new RegExp(artefact.message);
const LEXICAL = new Map(Object.entries(artefact.lexical).map(([type, source]) => [type, new RegExp(source)]));
// Same test as xsd-artefacts.ts: a value rejected only for surrounding whitespace is not an error.
function isWhitespaceArtefact(message) {
  const m = ARTEFACT.exec(message);
  if (!m) return false;
  const collapsed = m[1].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  const lexical = LEXICAL.get(m[2]);
  return collapsed !== m[1] && lexical !== undefined && lexical.test(collapsed);
}
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
  const schemaDocs = [];
  try {
    for (const s of schemas) {
      const url = s.base + s.main;
      // The schema document stays alive with its validator (libxml2 may refer to its strings).
      const doc = lx.XmlDocument.fromBuffer(files[url], { url });
      validators[s.version] = lx.XsdValidator.fromDoc(doc);
      schemaDocs.push(doc);
    }
  } finally {
    // Input documents get no resolver at all: no xi:include, external entity or schemaLocation is read.
    lx.xmlCleanupInputProvider();
  }
  const options = lx.ParseOption.XML_PARSE_NONET | (lx.ParseOption.XML_PARSE_NO_XXE || 0);
  let capped;
  try {
    capped = cappedValidation(await import(libxml2RawUrl));
  } catch (_) {
    capped = undefined; // the public API still works, without the cap
  }
  return { lx, validators, schemaDocs, options, capped };
})();

// libxml2-wasm's own collector computes a node path per error, which costs a scan of the
// siblings: a document of n events that are all invalid would take O(n^2). This collector keeps
// the first maxDetails diagnostics and only counts the rest. It uses libxml2-wasm's low-level
// exports (same module instance as the public API); validate() falls back to the public API if
// they ever change.
function cappedValidation(raw) {
  const needed = ['addFunction', 'xmlSchemaNewValidCtxt', 'xmlSchemaSetValidStructuredErrors', 'xmlSchemaValidateDoc', 'xmlSchemaFreeValidCtxt', 'xmlGetNodePath', 'XmlErrorStruct'];
  if (!needed.every((name) => raw[name])) return undefined;
  const E = raw.XmlErrorStruct;
  let current;
  const collector = raw.addFunction((_index, err) => {
    const s = current;
    if (!s) return;
    const message = String(E.message(err) || '').trim();
    if (isWhitespaceArtefact(message)) {
      s.artefacts += 1;
      return;
    }
    if (s.details.length >= maxDetails) {
      s.more += 1;
      return;
    }
    const d = { message, level: E.level(err), line: E.line(err) || 0, col: E.col(err) || 0 };
    const xpath = raw.xmlGetNodePath(E.node(err));
    if (xpath != null) d.xpath = xpath;
    s.details.push(d);
  }, 'vii');
  return (validator, doc) => {
    if (!validator._ptr || !doc._ptr) return undefined;
    const state = { details: [], more: 0, artefacts: 0 };
    const ctx = raw.xmlSchemaNewValidCtxt(validator._ptr);
    current = state;
    try {
      raw.xmlSchemaSetValidStructuredErrors(ctx, collector, 0);
      const ret = raw.xmlSchemaValidateDoc(ctx, doc._ptr);
      if (ret < 0) throw new Error('libxml2: invalid input or internal error');
      // Invalid with nothing reported (other than whitespace artefacts, which are not errors): say so.
      if (ret > 0 && state.details.length === 0 && state.more === 0 && state.artefacts === 0) {
        state.details.push({ message: 'the document is not valid', level: 2, line: 0, col: 0 });
      }
      return state;
    } finally {
      current = undefined;
      raw.xmlSchemaFreeValidCtxt(ctx);
    }
  };
}

function validate(ctx, validator, doc) {
  const result = ctx.capped && ctx.capped(validator, doc);
  if (result) return result;
  try {
    validator.validate(doc);
    return { details: [], more: 0 };
  } catch (e) {
    if (!(e instanceof ctx.lx.XmlValidateError)) throw e;
    const details = plainDetails(e.details).filter((d) => !isWhitespaceArtefact(d.message));
    return { details: details.slice(0, maxDetails), more: Math.max(0, details.length - maxDetails) };
  }
}
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

// The events of the document in order, with the node path libxml2 reports for them
// (xmlGetNodePath style: a position suffix only when a sibling has the same name). EPCIS 1.2 puts
// TransformationEvent in EventList/extension and newer events in EventList/extension/extension.
function listEvents(doc) {
  const events = [];
  const root = doc.root;
  const body = root && childNamed(root, 'EPCISBody');
  const list = body && childNamed(body, 'EventList');
  if (!list) return events;
  const visit = (parent, parentPath) => {
    const kids = elementChildren(parent);
    const keys = kids.map((k) => qname(k) + '|' + k.namespaceUri);
    const counts = new Map();
    for (const key of keys) counts.set(key, (counts.get(key) || 0) + 1);
    const seen = new Map();
    kids.forEach((k, i) => {
      const n = (seen.get(keys[i]) || 0) + 1;
      seen.set(keys[i], n);
      const path = parentPath + '/' + qname(k) + (counts.get(keys[i]) > 1 ? '[' + n + ']' : '');
      if (k.name === 'extension' && !k.namespaceUri) visit(k, path);
      else events.push({ node: k, path });
    });
  };
  visit(list, '/' + qname(root) + '/EPCISBody/EventList');
  return events;
}

function eventIdOf(node) {
  const base = childNamed(node, 'baseExtension');
  const idEl = childNamed(node, 'eventID') || (base && childNamed(base, 'eventID'));
  return idEl ? idEl.content.trim() : undefined;
}

// Tags each diagnostic with the event it concerns: by node path, or by line when libxml2 gave none.
function locateEvents(doc, details) {
  const events = listEvents(doc);
  if (events.length === 0) return;
  const byPath = new Map(events.map((e, i) => [e.path, i]));
  let lines;
  for (const d of details) {
    let index;
    if (d.xpath) {
      for (let p = d.xpath; p.length > 0; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
        if (byPath.has(p)) {
          index = byPath.get(p);
          break;
        }
      }
    } else if (d.line > 0) {
      lines = lines || events.map((e) => e.node.line);
      for (let i = 0; i < lines.length && lines[i] <= d.line; i++) index = i;
    }
    if (index === undefined) continue;
    const e = events[index];
    if (e.eventID === undefined) e.eventID = eventIdOf(e.node) || '';
    d.event = { index, path: d.xpath ? e.path : undefined, eventID: e.eventID || undefined };
  }
}

function plainDetails(details) {
  return (details || []).map((d) => ({ message: String(d.message || '').trim(), line: d.line || 0, col: d.col || 0, xpath: d.xpath, level: d.level }));
}

port.on('message', async (req) => {
  const id = req && req.id;
  try {
    const ctx = await ready;
    const { lx, validators, options } = ctx;
    const validator = validators[req.version];
    if (!validator) return reply({ id, error: 'no XSD for EPCIS ' + req.version });
    let doc;
    try {
      doc = lx.XmlDocument.fromString(req.xml, { option: options });
    } catch (e) {
      const details = plainDetails(e && e.details);
      return reply({ id, ok: false, stage: 'parse', details: details.length ? details.slice(0, maxDetails) : [{ message: String((e && e.message) || e), line: 0, col: 0 }], more: Math.max(0, details.length - maxDetails) });
    }
    try {
      const { details, more } = validate(ctx, validator, doc);
      if (details.length === 0) return reply({ id, ok: true });
      try {
        locateEvents(doc, details);
      } catch (_) {
        // Locating is a nicety; the diagnostics stand without it.
      }
      reply({ id, ok: false, stage: 'validate', details, more });
    } finally {
      doc.dispose();
    }
  } catch (e) {
    reply({ id, error: String((e && e.stack) || e) });
  }
});
`;
