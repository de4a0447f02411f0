// Dates as CloudStack writes them in responses (yyyy-MM-dd'T'HH:mm:ssZ) and
// parses `expires` (ApiServer.verifyRequest via DateUtil.parseTZDateString).

const pad2 = (n: number) => String(n).padStart(2, '0');

export function formatDate(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}` +
    `T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}+0000`
  );
}

/**
 * yyyy-MM-dd'T'HH:mm:ssZ (+0000), the ISO offset forms (+00:00, Z) and the
 * legacy yyyy-MM-dd'T'HH:mm:ss'Z'Z; null when it is none of them.
 */
export function parseExpires(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(Z?)(?:([+-])(\d{2}):?(\d{2}))?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zulu, sign, oh, om] = m;
  if (!zulu && !sign) return null;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offsetMin = sign ? (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1) : 0;
  const date = new Date(utc - offsetMin * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}
