/**
 * Reads one SKILL.md: YAML front matter between `---` lines with `name`,
 * `description` and `metadata.short-description`, plus the optional
 * `agents/openai.yaml` next to it (display interface, implicit-use policy).
 * Limits and error messages follow the reference's, so `skills/list` reports
 * the same problems for the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { SkillInterface } from '../../protocol/skills';

const MAX_NAME_LEN = 64;
const MAX_DESCRIPTION_LEN = 1024;

export interface ParsedSkill {
  name: string;
  description: string;
  shortDescription?: string;
  interface?: SkillInterface;
  /** False when `agents/openai.yaml` says the model may not pick it on its own (it stays out of the instructions list). */
  allowImplicit: boolean;
}

export class SkillParseError extends Error {}

/** Collapses runs of whitespace (newlines included) into single spaces. */
function singleLine(raw: string): string {
  return raw.split(/\s+/).filter(Boolean).join(' ');
}

/** The front matter text, or null when the file does not open with a closed `---` block. */
function frontMatterOf(contents: string): string | null {
  const lines = contents.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return null;
  const body: string[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '---') return body.length ? body.join('\n') : null;
    body.push(line);
  }
  return null;
}

function checkLength(value: string, max: number, field: string): void {
  if (!value) throw new SkillParseError(`missing field \`${field}\``);
  if ([...value].length > max) throw new SkillParseError(`invalid ${field}: exceeds maximum length of ${max} characters`);
}

const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined);

export function parseSkillFile(file: string): ParsedSkill {
  let contents: string;
  try {
    contents = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SkillParseError(`failed to read file: ${(error as Error).message}`);
  }
  const front = frontMatterOf(contents);
  if (front === null) throw new SkillParseError('missing YAML frontmatter delimited by ---');
  let data: unknown;
  try {
    data = yaml.load(front);
  } catch (error) {
    throw new SkillParseError(`invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const table = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const rawName = asText(table.name);
  const name = (rawName && singleLine(rawName)) || singleLine(path.basename(path.dirname(file))) || 'skill';
  const description = singleLine(asText(table.description) ?? '');
  const metadata = table.metadata && typeof table.metadata === 'object' ? (table.metadata as Record<string, unknown>) : {};
  const short = singleLine(asText(metadata['short-description']) ?? '') || undefined;
  checkLength(name, MAX_NAME_LEN, 'name');
  checkLength(description, MAX_DESCRIPTION_LEN, 'description');
  if (short) checkLength(short, MAX_DESCRIPTION_LEN, 'metadata.short-description');
  const extra = readAgentsMetadata(path.dirname(file));
  return { name, description, ...(short ? { shortDescription: short } : {}), ...(extra.interface ? { interface: extra.interface } : {}), allowImplicit: extra.allowImplicit };
}

/** `agents/openai.yaml`: optional, so anything wrong in it is ignored rather than failing the skill. */
function readAgentsMetadata(skillDir: string): { interface?: SkillInterface; allowImplicit: boolean } {
  let data: any;
  try {
    data = yaml.load(fs.readFileSync(path.join(skillDir, 'agents', 'openai.yaml'), 'utf8'));
  } catch {
    return { allowImplicit: true };
  }
  const allowImplicit = data?.policy?.allow_implicit_invocation !== false;
  const raw = data?.interface;
  if (!raw || typeof raw !== 'object') return { allowImplicit };
  const text = (value: unknown, max: number) => {
    const s = singleLine(asText(value) ?? '');
    return s && [...s].length <= max ? s : undefined;
  };
  const icon = (value: unknown) => {
    const rel = asText(value);
    if (!rel || path.isAbsolute(rel)) return undefined;
    const normalized = path.normalize(rel);
    // Icons must stay inside the skill's assets folder.
    return normalized.split(path.sep)[0] === 'assets' && !normalized.split(path.sep).includes('..') ? path.join(skillDir, normalized) : undefined;
  };
  const color = asText(raw.brand_color)?.trim();
  const fields: SkillInterface = {
    displayName: text(raw.display_name, MAX_NAME_LEN),
    shortDescription: text(raw.short_description, MAX_DESCRIPTION_LEN),
    iconSmall: icon(raw.icon_small),
    iconLarge: icon(raw.icon_large),
    iconSmallUrl: null,
    iconLargeUrl: null,
    brandColor: color && /^#[0-9a-fA-F]{6}$/.test(color) ? color : undefined,
    defaultPrompt: text(raw.default_prompt, MAX_DESCRIPTION_LEN),
  };
  const present = [fields.displayName, fields.shortDescription, fields.iconSmall, fields.iconLarge, fields.brandColor, fields.defaultPrompt].some((v) => v !== undefined);
  if (!present) return { allowImplicit };
  // The wire shape has every field (absent ones as null), like the reference's output.
  const wire = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v ?? null])) as unknown as SkillInterface;
  return { interface: wire, allowImplicit };
}
