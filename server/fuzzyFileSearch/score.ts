/**
 * Fuzzy path scoring with the reference's observable results: an optimal
 * (Smith-Waterman style) alignment of the query's characters, case-insensitive,
 * scored like fzf/nucleo (16 per match, bonuses at word and path boundaries
 * and camelCase humps, carried through consecutive runs, gap penalties), plus
 * rank tiers: a file whose name alone matches gets +65536 (scored on the name,
 * with the path as context), and a name (file) or path (directory) equal to
 * the query gets +131072 more.
 */

const SCORE_MATCH = 16;
const GAP_START = 3;
const GAP_EXTENSION = 1;
const BONUS_BOUNDARY = 8;
const BONUS_DELIMITER = BONUS_BOUNDARY + 1;
const BONUS_WHITESPACE = BONUS_BOUNDARY + 2;
const BONUS_NON_WORD = BONUS_BOUNDARY;
const BONUS_CAMEL = BONUS_BOUNDARY - GAP_START;
const BONUS_CONSECUTIVE = GAP_START + GAP_EXTENSION;
const FIRST_CHAR_MULTIPLIER = 2;
const NAME_MATCH_TIER = 65536;
const EXACT_MATCH_TIER = 2 * 65536;

const enum CharClass {
  Whitespace,
  NonWord,
  Delimiter,
  Lower,
  Upper,
  Digit,
}

function classOf(code: number): CharClass {
  if (code >= 97 && code <= 122) return CharClass.Lower;
  if (code >= 65 && code <= 90) return CharClass.Upper;
  if (code >= 48 && code <= 57) return CharClass.Digit;
  if (code === 47) return CharClass.Delimiter; // '/'
  if (code === 32 || code === 9 || code === 10 || code === 13) return CharClass.Whitespace;
  if (code > 127) {
    const ch = String.fromCharCode(code);
    if (ch.toLowerCase() !== ch) return CharClass.Upper;
    if (ch.toUpperCase() !== ch) return CharClass.Lower;
    return /\s/.test(ch) ? CharClass.Whitespace : CharClass.NonWord;
  }
  return CharClass.NonWord;
}

function bonusFor(previous: CharClass, current: CharClass): number {
  if (current > CharClass.Delimiter) {
    if (previous === CharClass.Whitespace) return BONUS_WHITESPACE;
    if (previous === CharClass.Delimiter) return BONUS_DELIMITER;
    if (previous === CharClass.NonWord) return BONUS_BOUNDARY;
  }
  if ((previous === CharClass.Lower && current === CharClass.Upper) || (previous !== CharClass.Digit && current === CharClass.Digit)) return BONUS_CAMEL;
  if (current === CharClass.NonWord || current === CharClass.Delimiter) return BONUS_NON_WORD;
  if (current === CharClass.Whitespace) return BONUS_WHITESPACE;
  return 0;
}

const NONE = -1 << 30;
// Scratch arrays reused across calls: a search scores thousands of paths.
let scratch = { score: new Int32Array(1024), runBonus: new Int32Array(1024), back: new Int32Array(1024) };
let bonusScratch = new Int32Array(256);
function buffers(size: number) {
  if (scratch.score.length < size) scratch = { score: new Int32Array(size), runBonus: new Int32Array(size), back: new Int32Array(size) };
  return scratch;
}
function bonusBuffer(size: number) {
  if (bonusScratch.length < size) bonusScratch = new Int32Array(size);
  return bonusScratch;
}

export interface Match {
  score: number;
  /** Positions (UTF-16 indices) in the path of the matched characters, ascending. */
  indices: number[];
}

/** Cheap test: the query's characters appear in order (case-insensitive) from `from`. */
export function isSubsequence(needleLower: string, haystackLower: string, from = 0): boolean {
  let at = from;
  for (let i = 0; i < needleLower.length; i++) {
    at = haystackLower.indexOf(needleLower[i], at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/**
 * The best alignment of `needleLower` inside `text` starting at `from` (the
 * characters before it only give context for the first bonus), or null.
 */
function alignment(needleLower: string, text: string, textLower: string, from = 0): Match | null {
  const m = needleLower.length;
  const n = text.length - from;
  if (m === 0 || n < m) return null;
  const bonus = bonusBuffer(n);
  let previous = from > 0 ? classOf(text.charCodeAt(from - 1)) : CharClass.Delimiter;
  for (let j = 0; j < n; j++) {
    const current = classOf(text.charCodeAt(from + j));
    bonus[j] = bonusFor(previous, current);
    previous = current;
  }
  if (m === 1) {
    // One character: its best-placed occurrence, the first one on ties.
    let best = -1;
    let bestBonus = -1;
    for (let j = 0; j < n; j++) {
      if (textLower[from + j] === needleLower[0] && bonus[j] > bestBonus) {
        best = j;
        bestBonus = bonus[j];
      }
    }
    return best < 0 ? null : { score: SCORE_MATCH + bestBonus * FIRST_CHAR_MULTIPLIER, indices: [from + best] };
  }
  // score[i*n+j]: best score with needle[i] matched at j; runBonus: the bonus carried by its consecutive run.
  const { score, runBonus, back } = buffers(m * n);
  score.fill(NONE, 0, m * n);
  back.fill(-1, 0, m * n);
  for (let j = 0; j < n; j++) {
    if (textLower[from + j] === needleLower[0]) {
      score[j] = SCORE_MATCH + bonus[j] * FIRST_CHAR_MULTIPLIER;
      runBonus[j] = bonus[j];
    }
  }
  for (let i = 1; i < m; i++) {
    const row = i * n;
    const above = row - n;
    // Best (score[above+k] + k * GAP_EXTENSION) over k <= j - 2, for a gapped predecessor.
    let gapBest = NONE;
    let gapFrom = -1;
    const ch = needleLower[i];
    for (let j = i; j < n; j++) {
      const k = j - 2;
      if (k >= 0 && score[above + k] !== NONE && score[above + k] + k * GAP_EXTENSION > gapBest) {
        gapBest = score[above + k] + k * GAP_EXTENSION;
        gapFrom = k;
      }
      if (textLower[from + j] !== ch) continue;
      let best = NONE;
      let carried = bonus[j];
      let from_ = -1;
      const diagonal = score[above + j - 1];
      if (diagonal !== NONE) {
        let b = bonus[j];
        const firstBonus = runBonus[above + j - 1];
        if (b >= BONUS_BOUNDARY && b > firstBonus) carried = b;
        else {
          b = Math.max(b, firstBonus, BONUS_CONSECUTIVE);
          carried = firstBonus;
        }
        best = diagonal + SCORE_MATCH + b;
        from_ = j - 1;
      }
      if (gapFrom >= 0) {
        const viaGap = gapBest - GAP_START - GAP_EXTENSION * (j - 2) + SCORE_MATCH + bonus[j];
        if (viaGap > best) {
          best = viaGap;
          from_ = gapFrom;
          carried = bonus[j];
        }
      }
      if (best === NONE) continue;
      score[row + j] = best;
      runBonus[row + j] = carried;
      back[row + j] = from_;
    }
  }
  // The best end, the last one on ties (as the reference reports).
  let end = -1;
  let top = NONE;
  const last = (m - 1) * n;
  for (let j = m - 1; j < n; j++) {
    if (score[last + j] !== NONE && score[last + j] >= top) {
      top = score[last + j];
      end = j;
    }
  }
  if (end < 0) return null;
  const indices = new Array<number>(m);
  for (let i = m - 1, j = end; i >= 0; i--) {
    indices[i] = from + j;
    j = back[i * n + j];
  }
  return { score: top, indices };
}

/** Scores one candidate path (relative to its root, '/'-separated) for the query, or null when it does not match. */
export function scorePath(queryLower: string, relativePath: string, isDirectory: boolean, lower = relativePath.toLowerCase(), nameStart = relativePath.lastIndexOf('/') + 1): Match | null {
  if (!isSubsequence(queryLower, lower)) return null;
  if (!isDirectory && isSubsequence(queryLower, lower, nameStart)) {
    const match = alignment(queryLower, relativePath, lower, nameStart);
    if (match) {
      const exact = lower.length - nameStart === queryLower.length && lower.endsWith(queryLower);
      return { score: match.score + NAME_MATCH_TIER + (exact ? EXACT_MATCH_TIER : 0), indices: match.indices };
    }
  }
  const match = alignment(queryLower, relativePath, lower);
  if (!match) return null;
  return { score: match.score + (lower === queryLower ? EXACT_MATCH_TIER : 0), indices: match.indices };
}
