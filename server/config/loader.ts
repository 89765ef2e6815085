import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { EffectiveConfig } from './types';
import { log } from '../log';

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Deep-merges `over` into `base` (tables merge, everything else replaces). */
export function mergeTables(base: Table, over: Table): Table {
  const out: Table = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isTable(value) && isTable(out[key]) ? mergeTables(out[key] as Table, value) : value;
  }
  return out;
}

/** Parses one `-c key.path=value` override; the value is TOML, or a bare string if it is not. */
export function parseOverride(override: string): Table {
  const eq = override.indexOf('=');
  if (eq <= 0) throw new Error(`invalid -c override (expected key=value): ${override}`);
  const keyPath = override.slice(0, eq).trim().split('.');
  const rawValue = override.slice(eq + 1).trim();
  let value: unknown;
  try {
    value = (parseToml(`v = ${rawValue}`) as Table).v;
  } catch {
    value = rawValue;
  }
  return setPath({}, keyPath, value);
}

export function setPath(table: Table, keyPath: string[], value: unknown): Table {
  let node = table;
  keyPath.forEach((key, i) => {
    if (i === keyPath.length - 1) node[key] = value;
    else node = (node[key] = isTable(node[key]) ? node[key] : {}) as Table;
  });
  return table;
}

/** Reads a TOML file; missing files are empty, invalid ones are reported and skipped. */
export function readTomlFile(file: string, onError: (message: string) => void = (m) => log.warn(m)): Table {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    return parseToml(text) as Table;
  } catch (error) {
    onError(`${file}: ${(error as Error).message}`);
    return {};
  }
}

/** Minimal resolution: user config.toml, then overrides. The layered version replaces this. */
export function loadEffectiveConfig(codexHome: string, overrides: Table[] = []): EffectiveConfig {
  let merged = readTomlFile(path.join(codexHome, 'config.toml'));
  for (const over of overrides) merged = mergeTables(merged, over);
  return { ...(merged as Omit<EffectiveConfig, 'raw'>), raw: merged };
}
