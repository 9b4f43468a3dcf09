import type { Query } from '../node-reader';
import { Inconsistent } from './finding';
import { EPC_INDEX, RebuiltIndex, RECALL_INDEX } from './indexes';

/** What PostgreSQL returns for the stored lines of a chunk, sorted as its ORDER BY (ASCII here) sorts them. */
const storing =
  (lines: string[]): Query =>
  async () => [{ rows: String(lines.length), lines: lines.length ? [...lines].sort().join('\n') : null }];

async function finding(index: RebuiltIndex, stored: string[]): Promise<string | number> {
  try {
    return await index.check(storing(stored), 0, 10);
  } catch (e) {
    if (e instanceof Inconsistent) return `${e.finding.key}: ${e.finding.problem}`;
    throw e;
  }
}

describe('index rows compared as lines', () => {
  const epc = (serial: string) => `https://id.gs1.org/01/00614141123452/21/${serial}`;
  const rebuilt = () => {
    const links = new RebuiltIndex(EPC_INDEX);
    links.add(3, [[epc('B'), 'epc'], [epc('A'), 'epc'], [epc('A'), 'epc']]); // an event naming A twice
    links.add(4, [[epc('A'), 'parent']]);
    return links;
  };
  const stored = [`3,"${epc('A')}","epc"`, `3,"${epc('B')}","epc"`, `4,"${epc('A')}","parent"`];

  it('accepts the stored rows of the events, and counts them', async () => {
    expect(await finding(rebuilt(), stored)).toBe(3);
  });

  it('names a changed, a duplicated and a deleted row', async () => {
    expect(await finding(rebuilt(), [...stored.slice(0, 2), `4,"${epc('A')}0","parent"`])).toBe(`epc=${epc('A')}0,role=parent,seq=4: index entry matches no EPC of its event`);
    expect(await finding(rebuilt(), [...stored, stored[2]])).toBe(`epc=${epc('A')},role=parent,seq=4: index entry matches no EPC of its event`);
    expect(await finding(rebuilt(), stored.slice(1))).toBe(`epc=${epc('A')},role=epc,seq=3: index entry for a EPC of the event is missing`);
  });

  it('tells a recall of every lot (null) from one of a lot named "null"', async () => {
    const recalls = new RebuiltIndex(RECALL_INDEX);
    recalls.add(5, [['00614141123452', null]]);
    expect(await finding(recalls, ['5,"00614141123452",null'])).toBe(1);
    expect(await finding(recalls, ['5,"00614141123452","null"'])).toBe('gtin=00614141123452,lot=null,seq=5: index entry matches no recalled lot of its event');
  });
});
