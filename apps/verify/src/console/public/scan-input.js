/**
 * What a keyboard-wedge scanner or a paste puts in the scan field, made into the text POST /scan takes.
 *
 * GS1 DataMatrix separates variable-length element strings with GS (U+001D, ASCII 29, FNC1). Scanners send it as
 * Ctrl-] (which types nothing in a browser: the field inserts it itself), as the character, or as text when
 * configured to: `<GS>`, `{GS}`, `[GS]`, `\u001d`, `\x1d`, `^]` or ␝ (U+241D). The field shows it as `<GS>`, which
 * every font can draw (the invisible control character cannot be seen, and fonts often lack ␝).
 * Except `<GS>`, none of these can occur in a GS1 element string (GS1 character set 82 has no [ ] { } \ ^);
 * `<GS>` is the common scanner convention and is read as GS too.
 */
export const GS = '\u001d';
/** How the field shows GS. */
export const GS_SHOWN = '<GS>';

const GS_SPELLINGS = /<GS>|\{GS\}|\[GS\]|\\u001[dD]|\\x1[dD]|\^\]|\u241d|\u001d/gi;

/** The scan as the verify app reads it: every GS spelling made GS, surrounding white space and line breaks removed. */
export function normalizeScan(text) {
  return String(text).replace(GS_SPELLINGS, GS).replace(/^[\s\u0000-\u001c\u001e\u001f]+|[\s\u0000-\u001c\u001e\u001f]+$/g, '');
}

/** The text as the field shows it: GS as <GS>. */
export function displayScan(text) {
  return String(text).replaceAll(GS, GS_SHOWN);
}

/** A keydown that means GS: Ctrl-] (by key or by physical key, for other keyboard layouts) or a GS key value. */
export function isGsKey(event) {
  if (event.key === GS) return true;
  return event.ctrlKey && !event.altKey && !event.metaKey && (event.key === ']' || event.code === 'BracketRight');
}

/**
 * Makes `input` a scan field: Ctrl-] inserts GS, and GS typed or pasted as the character shows as <GS>, the caret
 * kept after it. The Enter a wedge scanner sends after the code submits the field's form as usual.
 */
export function attachScanField(input) {
  input.addEventListener('keydown', (event) => {
    if (isGsKey(event)) {
      event.preventDefault();
      input.setRangeText(GS_SHOWN, input.selectionStart ?? input.value.length, input.selectionEnd ?? input.value.length, 'end');
    }
  });
  input.addEventListener('input', () => {
    if (!input.value.includes(GS)) return;
    const caret = input.selectionStart ?? input.value.length;
    const before = displayScan(input.value.slice(0, caret));
    input.value = displayScan(input.value);
    input.setSelectionRange(before.length, before.length);
  });
}
