/**
 * Surgical edits of a TOML document's text. Only the lines of the edited key
 * change; every other line, comment and blank stays byte for byte. After each
 * edit the text is parsed again and the edit is checked; an edit that would not
 * produce the requested value is refused, leaving the text unchanged.
 */
import { parse as parseToml } from 'smol-toml';
import { formatInlineValue, formatKey, formatKeyPath, getPath, isTable, splitKeyPath, type Table } from './toml';
import { isDeepStrictEqual } from 'node:util';

export class ConfigEditError extends Error {}

interface Statement {
  kind: 'table' | 'arrayTable' | 'assign' | 'other';
  /** Header path for tables; the full key path (section + dotted key) for assignments. */
  path: string[];
  /** The section header path the statement lives in. */
  section: string[];
  /** Whether the statement lives under an array-of-tables header (not addressable by key path). */
  inArray: boolean;
  start: number;
  /** Exclusive. */
  end: number;
}

const HEADER = /^\s*(\[\[?)\s*(.*?)\s*(\]\]?)\s*(#.*)?$/;

function tryParse(text: string): Table | null {
  try {
    return parseToml(text) as Table;
  } catch {
    return null;
  }
}

/** Splits the document into statements, following values over several lines. */
function scan(lines: string[]): Statement[] {
  const statements: Statement[] = [];
  let section: string[] = [];
  let inArray = false;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const header = trimmed.startsWith('[') ? HEADER.exec(line) : null;
    if (header) {
      const isArray = header[1] === '[[';
      let headerPath: string[];
      try {
        headerPath = splitKeyPath(header[2]);
      } catch {
        statements.push({ kind: 'other', path: [], section, inArray, start: i, end: i + 1 });
        i++;
        continue;
      }
      section = headerPath;
      inArray = isArray || statements.some((s) => s.kind === 'arrayTable' && startsWith(headerPath, s.path));
      statements.push({ kind: isArray ? 'arrayTable' : 'table', path: headerPath, section, inArray, start: i, end: i + 1 });
      i++;
      continue;
    }
    const eq = findAssignmentEquals(line);
    let keyPath: string[] | null = null;
    if (eq > 0) {
      try {
        keyPath = splitKeyPath(line.slice(0, eq).trim());
      } catch {
        keyPath = null;
      }
    }
    // The value ends at the first line where `v = <value text>` parses.
    let end = i + 1;
    if (keyPath) {
      const valueStart = line.slice(eq + 1);
      while (end <= lines.length && !tryParse(`v = ${[valueStart, ...lines.slice(i + 1, end)].join('\n')}`)) end++;
      if (end > lines.length) end = i + 1;
    }
    statements.push({ kind: keyPath ? 'assign' : 'other', path: keyPath ? [...section, ...keyPath] : [], section, inArray, start: i, end });
    i = end;
  }
  return statements;
}

/** Index of the `=` separating key and value (outside quoted keys), or -1. */
function findAssignmentEquals(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') return i;
    else if (c === '#') return -1;
  }
  return -1;
}

function startsWith(pathValue: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= pathValue.length && prefix.every((k, i) => pathValue[i] === k);
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

/** Keeps a trailing `# comment` of a one-line assignment when its value is replaced. */
function trailingComment(line: string): string {
  const eq = findAssignmentEquals(line);
  for (let i = line.indexOf('#', eq + 1); i >= 0; i = line.indexOf('#', i + 1)) {
    if (tryParse(`v = ${line.slice(eq + 1, i)}`)) return ` ${line.slice(i).trim()}`;
  }
  return '';
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export class TomlDocument {
  private lines: string[];
  private readonly newline: string;

  constructor(text: string) {
    this.newline = eol(text);
    this.lines = text.split(/\r?\n/);
    if (this.lines.length > 1 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    if (text === '') this.lines = [];
  }

  toString(): string {
    return this.lines.length ? this.lines.join(this.newline) + this.newline : '';
  }

  parsed(): Table {
    const table = tryParse(this.toString());
    if (!table) throw new ConfigEditError('the config file is not valid TOML; fix it before writing to it');
    return table;
  }

  /** Applies one edit; `null` removes the key. Refuses (and rolls back) when the result is not as asked. */
  apply(keyPath: string[], value: unknown, mergeStrategy: 'replace' | 'upsert'): void {
    if (keyPath.length === 0) throw new ConfigEditError('keyPath must not be empty');
    const before = [...this.lines];
    const current = getPath(this.parsed(), keyPath);
    const expected = value === null ? undefined : mergeStrategy === 'upsert' && isTable(value) && isTable(current) ? mergeDeep(current, value) : value;
    try {
      if (value === null) this.remove(keyPath);
      else if (isTable(value)) {
        if (mergeStrategy === 'replace' || !isTable(current)) this.remove(keyPath);
        this.writeTable(keyPath, value);
      } else {
        // A value made of table headers (`[[a.b]]` sections) is replaced whole; an assignment is replaced in place.
        if (current !== undefined && !this.isAssigned(keyPath)) this.remove(keyPath);
        this.setLeaf(keyPath, value);
      }
      const reparsed = tryParse(this.toString());
      if (!reparsed) throw new ConfigEditError(`writing ${formatKeyPath(keyPath)} here would make the file invalid TOML`);
      const after = getPath(reparsed, keyPath);
      if (!isDeepStrictEqual(normalize(after), normalize(expected))) {
        throw new ConfigEditError(`the edit did not produce the requested value for ${formatKeyPath(keyPath)}`);
      }
    } catch (error) {
      this.lines = before;
      if (error instanceof ConfigEditError) throw error;
      throw new ConfigEditError(`cannot write ${formatKeyPath(keyPath)}: ${(error as Error).message}`);
    }
  }

  private isAssigned(keyPath: string[]): boolean {
    return scan(this.lines).some((s) => s.kind === 'assign' && !s.inArray && samePath(s.path, keyPath));
  }

  private writeTable(keyPath: string[], value: Table): void {
    const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    if (entries.length === 0) {
      if (!isTable(getPath(this.parsed(), keyPath))) this.setLeaf(keyPath, {});
      return;
    }
    for (const [key, child] of entries) {
      if (isTable(child)) this.writeTable([...keyPath, key], child);
      else this.setLeaf([...keyPath, key], child);
    }
  }

  /** Sets one key (a scalar, array or inline table). */
  private setLeaf(keyPath: string[], value: unknown): void {
    const valueText = formatInlineValue(value);
    const statements = scan(this.lines);
    const addressable = statements.filter((s) => !s.inArray);

    // 1. The key is already assigned: replace its lines, keeping key spelling and comment.
    const existing = addressable.find((s) => s.kind === 'assign' && samePath(s.path, keyPath));
    if (existing) {
      const first = this.lines[existing.start];
      const eq = findAssignmentEquals(first);
      const comment = existing.end - existing.start === 1 ? trailingComment(first) : '';
      this.lines.splice(existing.start, existing.end - existing.start, `${first.slice(0, eq).trimEnd()} = ${valueText}${comment}`);
      return;
    }

    // 2. An ancestor is assigned inline (`a = { b = 1 }`): rewrite that inline value.
    const inlineAncestor = addressable.find((s) => s.kind === 'assign' && startsWith(keyPath, s.path));
    if (inlineAncestor) {
      const ancestorValue = getPath(this.parsed(), inlineAncestor.path);
      if (!isTable(ancestorValue)) throw new ConfigEditError(`${formatKeyPath(inlineAncestor.path)} is not a table`);
      const updated = structuredClone(ancestorValue);
      let node = updated;
      for (const key of keyPath.slice(inlineAncestor.path.length, -1)) node = (node[key] = isTable(node[key]) ? node[key] : {}) as Table;
      node[keyPath[keyPath.length - 1]] = value;
      const first = this.lines[inlineAncestor.start];
      const eq = findAssignmentEquals(first);
      this.lines.splice(inlineAncestor.start, inlineAncestor.end - inlineAncestor.start, `${first.slice(0, eq).trimEnd()} = ${formatInlineValue(updated)}`);
      return;
    }

    const parent = keyPath.slice(0, -1);
    const leaf = keyPath[keyPath.length - 1];

    // 3. The parent table has a header (or is the root): add the key at the end of its section.
    const header = parent.length === 0 ? null : addressable.find((s) => s.kind === 'table' && samePath(s.path, parent));
    if (parent.length === 0 || header) {
      this.insertInSection(statements, parent, `${formatKey(leaf)} = ${valueText}`);
      return;
    }

    // 4. The parent was made by dotted keys in some section: add a sibling dotted key there.
    const sibling = addressable.find((s) => s.kind === 'assign' && startsWith(s.path, parent) && s.path.length > parent.length && s.section.length < parent.length);
    if (sibling) {
      const relative = keyPath.slice(sibling.section.length);
      const indent = /^\s*/.exec(this.lines[sibling.start])![0];
      this.lines.splice(sibling.end, 0, `${indent}${formatKeyPath(relative)} = ${valueText}`);
      return;
    }

    // 5. Otherwise a new `[parent]` table at the end of the file.
    if (this.lines.length && this.lines[this.lines.length - 1].trim() !== '') this.lines.push('');
    this.lines.push(`[${formatKeyPath(parent)}]`, `${formatKey(leaf)} = ${valueText}`);
  }

  /** Inserts a line after the last assignment of the section (root: before the first header). */
  private insertInSection(statements: Statement[], section: string[], line: string): void {
    const headerIndex = statements.findIndex((s) => s.kind === 'table' && !s.inArray && samePath(s.path, section));
    const inSection = (s: Statement) => samePath(s.section, section) && !s.inArray && s.kind === 'assign';
    let insertAt: number;
    if (section.length === 0) {
      const firstHeader = statements.find((s) => s.kind === 'table' || s.kind === 'arrayTable');
      const rootAssigns = statements.filter((s) => s.kind === 'assign' && (!firstHeader || s.start < firstHeader.start));
      if (rootAssigns.length) insertAt = rootAssigns[rootAssigns.length - 1].end;
      else if (firstHeader) {
        this.lines.splice(firstHeader.start, 0, line, '');
        return;
      } else insertAt = this.lines.length;
    } else {
      const header = statements[headerIndex];
      const next = statements.slice(headerIndex + 1).find((s) => s.kind === 'table' || s.kind === 'arrayTable');
      const assigns = statements.filter((s) => inSection(s) && s.start > header.start && (!next || s.start < next.start));
      insertAt = assigns.length ? assigns[assigns.length - 1].end : header.end;
    }
    this.lines.splice(insertAt, 0, line);
  }

  /** Removes a key: its assignment lines, or its table sections (sub-tables included). */
  private remove(keyPath: string[]): void {
    const statements = scan(this.lines);
    const isHeader = (s: Statement) => s.kind === 'table' || s.kind === 'arrayTable';
    const inDoomedSection = (s: Statement) => s.section.length > 0 && startsWith(s.section, keyPath);
    const doomed = statements.filter(
      (s) => (isHeader(s) && startsWith(s.path, keyPath)) || (s.kind === 'assign' && !s.inArray && !inDoomedSection(s) && startsWith(s.path, keyPath)),
    );
    // Section ends are measured on the unedited lines, before any removal shifts them.
    const ranges = doomed.map((s) => ({ s, end: isHeader(s) ? this.sectionEnd(statements, s) : s.end }));
    for (const { s, end } of ranges.sort((a, b) => b.s.start - a.s.start)) {
      this.lines.splice(s.start, end - s.start);
      // A removed section takes one of the blank lines around it along.
      if (isHeader(s) && s.start > 0 && this.lines[s.start - 1]?.trim() === '' && (s.start >= this.lines.length || this.lines[s.start].trim() === '')) {
        this.lines.splice(s.start - 1, 1);
      }
    }
    if (doomed.length) return;
    // An inline ancestor (`a = { b = 1 }`) is rewritten without the key.
    const inlineAncestor = statements.find((s) => !s.inArray && s.kind === 'assign' && startsWith(keyPath, s.path) && s.path.length < keyPath.length);
    if (!inlineAncestor) return;
    const ancestorValue = getPath(this.parsed(), inlineAncestor.path);
    if (!isTable(ancestorValue)) return;
    const updated = structuredClone(ancestorValue);
    let node: Table | undefined = updated;
    for (const key of keyPath.slice(inlineAncestor.path.length, -1)) node = isTable(node?.[key]) ? (node![key] as Table) : undefined;
    if (node) delete node[keyPath[keyPath.length - 1]];
    const first = this.lines[inlineAncestor.start];
    const eq = findAssignmentEquals(first);
    this.lines.splice(inlineAncestor.start, inlineAncestor.end - inlineAncestor.start, `${first.slice(0, eq).trimEnd()} = ${formatInlineValue(updated)}`);
  }

  /** A section ends where the next header starts (its own assignments are removed with it). */
  private sectionEnd(statements: Statement[], header: Statement): number {
    const next = statements.find((s) => s.start > header.start && (s.kind === 'table' || s.kind === 'arrayTable'));
    if (!next) return this.lines.length;
    // Blank lines and comments right above the next header stay with that header.
    let end = next.start;
    while (end > header.end && (this.lines[end - 1].trim() === '' || this.lines[end - 1].trim().startsWith('#'))) end--;
    return end;
  }
}

function mergeDeep(base: Table, over: Table): Table {
  const out: Table = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else out[key] = isTable(value) && isTable(out[key]) ? mergeDeep(out[key] as Table, value) : value;
  }
  return out;
}

/** Drops nulls so JSON input and parsed TOML compare equal. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, normalize(v)]));
  return value;
}

/** Parses a request's `keyPath` (dot-separated; quoted segments may hold dots). */
export function parseKeyPath(keyPath: string): string[] {
  try {
    return splitKeyPath(keyPath);
  } catch (error) {
    throw new ConfigEditError(`invalid keyPath "${keyPath}": ${(error as Error).message}`);
  }
}
