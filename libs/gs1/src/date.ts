import { Gs1Error } from './errors';

/** The GS1 century window must not depend on the host time zone, so the year is read in UTC. */
export const currentUtcYear = (): number => new Date().getUTCFullYear();

/**
 * Four-digit year for a two-digit YY per GS1 General Specifications 7.12: a sliding window
 * reaching 49 years back and 50 years ahead of the current year.
 */
export function resolveCentury(yy: number, currentYear: number): number {
  const diff = yy - (currentYear % 100);
  const century = currentYear - (currentYear % 100);
  return century + yy + (diff >= 51 ? -100 : diff <= -50 ? 100 : 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * GS1 YYMMDD (AI 11, 13, 15, 16, 17 ...) to ISO YYYY-MM-DD. Day 00 means the last day of the
 * month. Pure integer arithmetic: a Date would shift the day for hosts west or east of UTC.
 */
export function gs1DateToIso(yymmdd: string, currentYear = currentUtcYear()): string {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(yymmdd);
  if (!m) throw new Gs1Error('BAD_DATE', 'date must be six digits YYMMDD');
  const [yy, month, day] = [m[1], m[2], m[3]].map(Number);
  const year = resolveCentury(yy, currentYear);
  if (month < 1 || month > 12) throw new Gs1Error('BAD_DATE', `no month ${m[2]}`);
  const last = daysInMonth(year, month);
  if (day > last) throw new Gs1Error('BAD_DATE', `${year}-${m[2]} has no day ${m[3]}`);
  return `${year}-${m[2]}-${String(day || last).padStart(2, '0')}`;
}
