/**
 * A best-effort reading of a shell command for display: `cat f` reads f,
 * `ls` lists files, `rg x src` searches. Anything else is `unknown`. Follows
 * what the reference shows for the same commands; `cd` and output filters
 * after a pipe (`| head`) are left out.
 */
import path from 'node:path';
import type { CommandAction } from '../../protocol/items';

const FILTERS = new Set(['head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'tr', 'less', 'more', 'cat']);

/** Splits on whitespace, honouring single and double quotes and backslashes. Null when unbalanced. */
export function shellWords(text: string): string[] | null {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(current);
  return words;
}

export function parseCommandActions(cmd: string, cwd: string): CommandAction[] {
  const unknown: CommandAction[] = [{ type: 'unknown', command: cmd }];
  if (/[`$<>]|\n/.test(cmd)) return unknown;
  // Split into `&&`, `||`, `;` segments, then pipelines.
  const segments = cmd.split(/&&|\|\||;/).map((s) => s.trim()).filter(Boolean);
  const actions: CommandAction[] = [];
  for (const segment of segments) {
    const stages = segment.split('|').map((s) => s.trim());
    for (const [index, stage] of stages.entries()) {
      const words = shellWords(stage);
      if (!words?.length) return unknown;
      if (words[0] === 'cd') continue;
      if (index > 0 && FILTERS.has(words[0])) continue;
      const action = actionOf(words, stage, cwd);
      if (!action) return unknown;
      actions.push(action);
    }
  }
  return actions.length ? actions : unknown;
}

function actionOf(words: string[], command: string, cwd: string): CommandAction | null {
  const [program, ...args] = words;
  const operands = args.filter((a) => !a.startsWith('-'));
  const read = (file: string | undefined): CommandAction | null =>
    file ? { type: 'read', command, name: path.basename(file), path: path.resolve(cwd, file) } : null;
  switch (program) {
    case 'cat':
    case 'nl':
      return operands.length === 1 ? read(operands[0]) : null;
    case 'head':
    case 'tail': {
      const files = args.filter((a, i) => !a.startsWith('-') && !/^-[nc]$/.test(args[i - 1] ?? ''));
      return files.length === 1 ? read(files[0]) : null;
    }
    case 'sed':
      // Only `sed -n 'range p' file`, which prints part of a file.
      return args[0] === '-n' && args.length === 3 && /^\d*,?\d*p$/.test(args[1]) ? read(args[2]) : null;
    case 'ls':
    case 'tree':
      return { type: 'listFiles', command, path: operands[0] ?? null };
    case 'rg':
    case 'grep': {
      if (program === 'rg' && args.includes('--files')) return { type: 'listFiles', command, path: operands[0] ?? null };
      const flagsWithValue = new Set(['-e', '-g', '--glob', '-t', '--type', '-m', '-A', '-B', '-C']);
      const positional = args.filter((a, i) => !a.startsWith('-') && !flagsWithValue.has(args[i - 1] ?? ''));
      if (!positional.length) return null;
      return { type: 'search', command, query: positional[0], path: positional[1] ?? null };
    }
    case 'find': {
      const nameAt = args.findIndex((a) => a === '-name' || a === '-iname');
      const start = args[0] && !args[0].startsWith('-') ? args[0] : null;
      if (nameAt >= 0 && args[nameAt + 1]) return { type: 'search', command, query: args[nameAt + 1], path: start };
      return { type: 'listFiles', command, path: start };
    }
    default:
      return null;
  }
}
