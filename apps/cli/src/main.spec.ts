import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, main } from './main';
import { runCli } from '../../../test/support/cli';

const CONFORMANCE = process.env.CONFORMANCE_DIR ?? resolve(__dirname, '../../../../shared/conformance');
const PHARMA = resolve(CONFORMANCE, 'epcis-documents/1.2/xml/capture/valid/GS1_US_Pharma_Example_2_2_1_1.xml');

const run = runCli;

describe('dscsa CLI', () => {
  it('scans a DataMatrix with FNC1 and symbology identifier', async () => {
    // day 00 of AI 17 means the last day of the month
    const result = JSON.parse(await run('scan', ']d20100300021433802\u001d21SER1\u001d10LOT9\u001d17280300'));
    expect(result).toMatchObject({ gtin: '00300021433802', ndc: '0002143380', serial: 'SER1', lot: 'LOT9', expiry: '2028-03-31' });
    expect(result.digitalLink).toBe('https://id.gs1.org/01/00300021433802/10/LOT9/21/SER1?17=280300');
    expect(result.sgtinUri).toBe('urn:epc:id:sgtin:0300021.043380.SER1');
  });

  it('hashes every event of a 1.2 XML document, one line each', async () => {
    const lines = (await run('hash', PHARMA)).trim().split('\n');
    expect(lines).toHaveLength(8);
    lines.forEach((l) => expect(l).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/));
  });

  it('converts 1.2 XML to 2.0 JSON-LD that hashes the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dscsa-cli-'));
    const out = join(dir, 'doc.jsonld');
    await run('convert', PHARMA, '--to', 'jsonld', '--out', out);
    const doc = JSON.parse(await readFile(out, 'utf8'));
    expect(doc.type).toBe('EPCISDocument');
    expect(doc.epcisBody.eventList).toHaveLength(8);
    expect(await run('hash', out)).toBe(await run('hash', PHARMA));
  });

  it('validates a valid document and fails with the broken rule on an invalid one', async () => {
    expect(await run('validate', PHARMA)).toMatch(/valid EPCIS xml-1\.2 document, 8 events/);
    const invalid = resolve(CONFORMANCE, 'epcis-documents/2.0/json/capture/invalid/ObjectEvent_with_invalid_action.json');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(main(['validate', invalid])).rejects.toThrow(CliError);
      expect(String(stderr.mock.calls.map((c) => c[0]).join(''))).toMatch(/action/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('says one readable line for bad input and bad usage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dscsa-cli-'));
    await writeFile(join(dir, 'junk.xml'), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x/>');
    await expect(main(['hash', join(dir, 'junk.xml')])).rejects.toThrow(/DOCTYPE/i);
    await expect(main(['scan', ']d20100300021433803'])).rejects.toThrow(/invalid GTIN/);
    await expect(main(['convert', PHARMA, '--to', 'xml'])).rejects.toMatchObject({ exitCode: 2 });
    await expect(main(['frobnicate'])).rejects.toMatchObject({ exitCode: 2 });
    await expect(main(['hash', join(dir, 'missing.json')])).rejects.toThrow(/cannot read .*ENOENT/);
  });
});
