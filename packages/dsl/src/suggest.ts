// "Did you mean" for misspelt keys and enum values: the closest candidate by edit distance, if close enough.

/** Levenshtein distance (insert, delete, substitute, and swapping two neighbours counts as one edit). */
export function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      const current = table[row]!;
      const previous = table[row - 1]!;
      let best = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1]) {
        best = Math.min(best, table[row - 2]![column - 2]! + 1);
      }
      current[column] = best;
    }
  }
  return table[left.length]![right.length]!;
}

/**
 * The candidate closest to `word`, or undefined when none is plausibly meant: at most a third of the word's length
 * may differ (at least one edit), so `hedas` suggests `heads` but `xyz` suggests nothing. A word of three or more
 * letters that begins exactly one candidate and is near none suggests that one (`thresh` suggests `threshold`).
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  return closestByEdits(word, candidates) ?? onlyExtension(word, candidates);
}

function onlyExtension(word: string, candidates: readonly string[]): string | undefined {
  if (word.length < 3) return undefined;
  const lowered = word.toLowerCase();
  const extensions = candidates.filter((candidate) => candidate.toLowerCase().startsWith(lowered));
  return extensions.length === 1 ? extensions[0] : undefined;
}

function closestByEdits(word: string, candidates: readonly string[]): string | undefined {
  const lowered = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** A "did you mean `x`?" hint, or undefined. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const match = closestMatch(word, candidates);
  return match === undefined ? undefined : `did you mean \`${match}\`?`;
}
