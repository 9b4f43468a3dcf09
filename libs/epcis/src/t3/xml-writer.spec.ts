import { parseEpcisEvent } from '../document';
import { T3Error } from './model';
import { element, escapeXml, renderXml } from './xml-writer';

describe('xml-writer', () => {
  it('escapes markup, quotes and white space a reader would normalise', () => {
    expect(escapeXml(`a<b>&"c"'d'\t\n\r`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#9;&#10;&#13;');
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
  });

  it('replaces what XML 1.0 cannot hold, even escaped, and keeps astral characters whole', () => {
    expect(escapeXml('a\u0000b\u001Fc\uFFFEd\uD800e\uDC00')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD');
    expect(escapeXml('💊')).toBe('💊');
  });

  it('writes text and attributes that read back as given', () => {
    const hostile = `<x a="1">&amp; ' \t\r\n]]> 💊`;
    const xml = renderXml(
      element('ObjectEvent', { 'xmlns:ex': 'urn:ex', 'ex:note': hostile }, element('eventTime', undefined, '2024-01-01T00:00:00Z'), element('ex:text', undefined, hostile)),
    );
    const { event } = parseEpcisEvent(xml, { contentType: 'application/xml' });
    expect(event).toEqual({ type: 'ObjectEvent', eventTime: '2024-01-01T00:00:00Z', 'ex:note': hostile, 'ex:text': hostile.trim() });
  });

  it('refuses names that are not XML names', () => {
    expect(() => renderXml(element('a b', undefined))).toThrow(T3Error);
    expect(() => renderXml(element('ok', { 'x"y': '1' }))).toThrow(T3Error);
  });
});
