/** The date `days` after (or before) `date` (demo data: calendar days, no zone). */
export function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
