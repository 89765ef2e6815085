/**
 * Stored-thread fixtures for the history figures. A real rollout is recorded
 * once by the reference server (a one-turn text thread against the scripted
 * model); it is then cloned into many threads, or its turn is repeated into
 * one long thread. Both servers read the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { BenchClient } from './client';
import { reply, type ScriptedModel } from '../../test/helpers/scriptedModel';

const TEMPLATE_PROMPT = 'bench-template-prompt';
const TEMPLATE_REPLY = 'bench-template-reply';

export interface RolloutTemplate {
  threadId: string;
  text: string;
}

/** Runs one text turn on the reference server and returns its rollout file. */
export async function recordTemplate(model: ScriptedModel, codexHome: string): Promise<RolloutTemplate> {
  model.enqueue(reply.text(TEMPLATE_REPLY));
  const { client } = await BenchClient.start('reference', codexHome);
  try {
    const { thread } = await client.request('thread/start', { cwd: codexHome, approvalPolicy: 'never', sandbox: 'danger-full-access' });
    await client.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: TEMPLATE_PROMPT, text_elements: [] }] });
    await client.waitFor('turn/completed', (p) => p.threadId === thread.id);
    const text = fs.readFileSync(findRollout(codexHome, thread.id), 'utf8');
    // It is cloned thousands of times: a stray long reply in it would fill the disk.
    if (text.length > 512 * 1024) throw new Error(`template rollout is ${text.length} bytes; expected a short one-turn thread`);
    return { threadId: thread.id, text };
  } finally {
    await client.stop();
  }
}

function findRollout(codexHome: string, threadId: string): string {
  const stack = [path.join(codexHome, 'sessions')];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name.includes(threadId)) return full;
    }
  }
  throw new Error(`no rollout for ${threadId} under ${codexHome}`);
}

function rolloutPath(codexHome: string, id: string, at: Date): string {
  const iso = at.toISOString();
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 19).replace(/:/g, '-')];
  const [y, m, d] = date.split('-');
  return path.join(codexHome, 'sessions', y, m, d, `rollout-${date}T${time}-${id}.jsonl`);
}

function replaceAll(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}

/**
 * The reference keeps "paginated" histories in its own database, so written
 * rollouts are turned into "legacy" ones, which both servers rebuild from the
 * file: the mode is switched and each completed user/agent message item
 * becomes the legacy `user_message` / `agent_message` event.
 */
function asLegacyHistory(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.includes('"item_completed"')) return replaceAll(line, '"history_mode":"paginated"', '"history_mode":"legacy"');
      const record = JSON.parse(line);
      const item = record.payload?.item;
      const textOf = (parts: { text?: string }[]) => parts.map((p) => p.text ?? '').join('');
      if (item?.type === 'UserMessage') {
        record.payload = { type: 'user_message', message: textOf(item.content), images: [], local_images: [], text_elements: [] };
      } else if (item?.type === 'AgentMessage') {
        record.payload = { type: 'agent_message', message: textOf(item.content), phase: null };
      } else {
        return line;
      }
      return JSON.stringify(record);
    })
    .join('\n');
}

/** Writes `count` distinct one-turn threads (own ids, prompts and dates) into `codexHome`. */
export function writeClonedThreads(template: RolloutTemplate, codexHome: string, count: number, cwd: string): void {
  const templateCwd = JSON.parse(template.text.split('\n')[0]).payload.cwd as string;
  const start = Date.now() - count * 60_000;
  for (let i = 0; i < count; i++) {
    const at = new Date(start + i * 60_000);
    const id = uuidv7({ msecs: at.getTime() });
    let text = replaceAll(template.text, template.threadId, id);
    text = replaceAll(text, TEMPLATE_PROMPT, `stored thread number ${i}`);
    text = asLegacyHistory(replaceAll(text, templateCwd, cwd));
    const file = rolloutPath(codexHome, id, at);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    fs.utimesSync(file, at, at);
  }
}

/**
 * Writes one thread whose turn is repeated until it holds `items` items (a
 * user message and an agent message per turn). Returns its id.
 */
export function writeLongThread(template: RolloutTemplate, codexHome: string, items: number, cwd: string): string {
  const lines = template.text.split('\n').filter((line) => line.trim());
  const records = lines.map((line) => JSON.parse(line));
  const templateCwd = records[0].payload.cwd as string;
  const firstTurnStart = records.findIndex((r) => r.type === 'event_msg' && r.payload.type === 'task_started');
  const header = lines.slice(0, firstTurnStart);
  // The per-turn records that carry the conversation (not the context preamble, which is written once).
  const contextTypes = new Set(['world_state', 'turn_context']);
  const turnLines = lines.slice(firstTurnStart);
  const repeatable = turnLines.filter((line, index) => {
    const record = records[firstTurnStart + index];
    if (contextTypes.has(record.type)) return false;
    if (record.type === 'response_item' && record.payload.role === 'developer') return false;
    if (record.type === 'response_item' && record.payload.role === 'user' && JSON.stringify(record.payload).includes('<environment_context>')) {
      return false;
    }
    return true;
  });
  const templateTurnId = records[firstTurnStart].payload.turn_attribution?.turn_id ?? records[firstTurnStart].payload.turn_id;
  const itemIds = new Set<string>();
  for (const line of repeatable) for (const match of line.matchAll(/"id":"([^"]+)"/g)) if (match[1] !== template.threadId) itemIds.add(match[1]);
  itemIds.delete(templateTurnId);

  const at = new Date(Date.now() - 3600_000);
  const id = uuidv7({ msecs: at.getTime() });
  const out: string[] = header.map((line) => replaceAll(replaceAll(line, template.threadId, id), templateCwd, cwd));
  // Keep the first turn whole (context included), then repeat the conversation records.
  for (const line of turnLines) out.push(replaceAll(replaceAll(replaceAll(line, template.threadId, id), templateCwd, cwd), TEMPLATE_PROMPT, 'turn 0'));
  const turns = Math.ceil(items / 2);
  for (let turn = 1; turn < turns; turn++) {
    let block = repeatable.join('\n');
    block = replaceAll(block, template.threadId, id);
    block = replaceAll(block, templateTurnId, uuidv7());
    for (const itemId of itemIds) block = replaceAll(block, itemId, `${itemId}-${turn}`);
    block = replaceAll(block, TEMPLATE_PROMPT, `turn ${turn}`);
    block = replaceAll(block, TEMPLATE_REPLY, `reply to turn ${turn}`);
    out.push(block);
  }
  // Ordinals must keep increasing.
  const renumbered = out
    .join('\n')
    .split('\n')
    .map((line, ordinal) => line.replace(/^\{"timestamp":"([^"]+)","ordinal":\d+,/, `{"timestamp":"$1","ordinal":${ordinal},`));
  const file = rolloutPath(codexHome, id, at);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, asLegacyHistory(renumbered.join('\n')) + '\n');
  return id;
}
