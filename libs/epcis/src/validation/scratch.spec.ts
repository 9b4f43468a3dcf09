import { readFileSync } from 'node:fs';
import { validateJsonValue } from './json-schema';
const C = '/work/shared/conformance/epcis-documents/';
it('scratch', () => {
  const rows = readFileSync(C + 'expectations.tsv', 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const out: string[] = [];
  for (const [p, exp] of rows) {
    if (!p.endsWith('.json')) continue;
    const data = JSON.parse(readFileSync(C + p, 'utf8'));
    const t = performance.now();
    const doc = validateJsonValue(data, 'document');
    const ev = validateJsonValue(data, 'event');
    const ms = (performance.now() - t).toFixed(2);
    out.push(`${exp}\t${p}\t${ms}ms\tdoc=${doc.length} ev=${ev.length}\n   ${(exp === 'accept-event' ? ev : doc).map((i) => JSON.stringify(i)).join('\n   ')}`);
  }
  console.log(out.join('\n'));
});
