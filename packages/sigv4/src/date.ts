/**
 * The request date in SigV4's ISO 8601 basic format (`20150830T123600Z`).
 * @module
 */

/**
 * Formats a date as SigV4's `x-amz-date`: ISO 8601 basic format, UTC, whole seconds.
 * @throws RangeError for an invalid date.
 * @example
 * formatAmzDate(new Date('2015-08-30T12:36:00.250Z')); // '20150830T123600Z'
 */
export function formatAmzDate(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new RangeError(`"date" expected a valid Date, got ${String(date)}`);
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Reads a request date header: `x-amz-date`'s basic format, or, for the `date` header, also an HTTP date
 * (`Mon, 09 Sep 2011 23:36:00 GMT`). Returns the date in basic format and as epoch milliseconds, or
 * undefined for anything else, including impossible dates such as `20150230T000000Z`.
 * @example
 * parseRequestDate('Mon, 09 Sep 2011 23:36:00 GMT', true); // { amzDate: '20110909T233600Z', time: 1315611360000 }
 */
export function parseRequestDate(
  value: string,
  allowHttpDate = false,
): { amzDate: string; time: number } | undefined {
  const text = value.trim();
  const m = AMZ_DATE.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
    const time = Date.UTC(y, mo - 1, d, h, mi, s);
    // Date.UTC rolls 30 February over into March; formatting back catches that.
    return formatAmzDate(new Date(time)) === text ? { amzDate: text, time } : undefined;
  }
  // RFC 9110 §5.6.7: IMF-fixdate, always naming GMT.
  if (!allowHttpDate || !/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) {
    return undefined;
  }
  const time = Date.parse(text);
  return Number.isFinite(time) ? { amzDate: formatAmzDate(new Date(time)), time } : undefined;
}
