/**
 * The UTC days (`yyyy-MM-dd`) from `from` to `to`, both included: the keys of
 * the incidents table's by-day index.
 */
export function utcDays(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (
    let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    t <= to.getTime();
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
