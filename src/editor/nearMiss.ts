/** The known name a typo most likely meant: the closest by edit distance, if close enough to be a slip. */
export function nearestName(typo: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  // A slip is a few characters: at most 3, and less than a third of the name.
  let limit = Math.min(3, Math.floor(typo.length / 3));
  for (const name of known) {
    if (Math.abs(name.length - typo.length) > limit) continue;
    const d = editDistance(typo, name, limit);
    if (d <= limit) {
      best = name;
      // Only a closer one can win now.
      limit = d - 1;
      if (limit < 0) break;
    }
  }
  return best;
}

/**
 * Levenshtein distance, or `limit + 1` when it is more than `limit`. Only the band of `limit` cells either side of
 * the diagonal is computed (a path outside it costs more than `limit`), so a check costs O(length × limit).
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (!Number.isFinite(limit)) limit = Math.max(a.length, b.length);
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const over = limit + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j <= limit ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    current.fill(over);
    current[0] = i <= limit ? i : over;
    let rowMin = current[0]!;
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = d > over ? over : d;
      if (current[j]! < rowMin) rowMin = current[j]!;
    }
    if (rowMin > limit) return over;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length]!, over);
}
