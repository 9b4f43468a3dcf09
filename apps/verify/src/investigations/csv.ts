/** One RFC 4180 CSV line; cells with commas, quotes or line breaks are quoted. */
export function csvLine(cells: unknown[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return cells.map(cell).join(',') + '\r\n';
}

/** RFC 4180 CSV: a header line, then one line per row. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map(csvLine).join('');
}
