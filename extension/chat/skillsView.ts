/**
 * The chat's side of skills: the `$` popup's candidates and the /skills list
 * (a transcript entry with enable/disable buttons), through `skills/list`
 * and `skills/config/write` for the workspace folder.
 */
import type { CodexClient } from '../client/codexClient';
import type { SkillCandidate } from '../../webview/protocol';
import type { Transcript } from './transcript';

const SKILLS_ENTRY_ID = 'skills-list';

type Client = Pick<CodexClient, 'request'>;

interface ListedSkills {
  skills: SkillCandidate[];
  errors: { path: string; message: string }[];
}

export async function listSkills(client: Client, cwd: string | undefined): Promise<ListedSkills> {
  const response: { data: { skills: any[]; errors: any[] }[] } = await client.request('skills/list', cwd ? { cwds: [cwd] } : {});
  const entry = response.data[0] ?? { skills: [], errors: [] };
  return {
    skills: entry.skills.map((skill) => ({
      name: skill.name,
      description: skill.interface?.shortDescription ?? skill.shortDescription ?? skill.description,
      path: skill.path,
      scope: skill.scope,
      enabled: skill.enabled,
    })),
    errors: entry.errors.map((error) => ({ path: error.path, message: error.message })),
  };
}

/** Shows (or refreshes in place) the /skills entry. */
export async function showSkillsList(client: Client, transcript: Transcript, cwd: string | undefined): Promise<void> {
  const { skills, errors } = await listSkills(client, cwd);
  transcript.upsert({ kind: 'skills', id: SKILLS_ENTRY_ID, skills, errors });
}

/** Enables or disables one skill in config.toml, then refreshes the list. */
export async function setSkillEnabled(client: Client, transcript: Transcript, cwd: string | undefined, skillPath: string, enabled: boolean): Promise<void> {
  const { effectiveEnabled } = await client.request('skills/config/write', { path: skillPath, enabled });
  if (effectiveEnabled !== enabled) transcript.notice('warning', `The skill at ${skillPath} is still ${effectiveEnabled ? 'enabled' : 'disabled'} by another rule in config.toml.`);
  await showSkillsList(client, transcript, cwd);
}

/** Refreshes the /skills entry when it is shown (skill files changed); nothing otherwise. */
export async function refreshSkillsList(client: Client, transcript: Transcript, cwd: string | undefined): Promise<void> {
  if (transcript.get(SKILLS_ENTRY_ID)) await showSkillsList(client, transcript, cwd);
}
