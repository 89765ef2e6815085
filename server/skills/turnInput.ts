/** The `<skill>` messages a turn's input adds to the model's history (see injection.ts). */
import type { UserInput } from '../../protocol/items';
import type { ResponseItem } from '../providers/modelClient';
import { skillMessageText, skillsUsedBy } from './injection';
import type { SkillsService } from './service';

export function skillMessagesFor(service: SkillsService, thread: { cwd: string; sessionConfig: Record<string, unknown> | null }, input: UserInput[]): ResponseItem[] {
  const mentionsPossible = input.some((part) => part.type === 'skill' || (part.type === 'text' && part.text.includes('$')));
  if (!mentionsPossible) return [];
  const enabled = service.forCwd(thread.cwd, thread.sessionConfig).entry.skills.filter((skill) => skill.enabled);
  return skillsUsedBy(input, enabled).flatMap((skill): ResponseItem[] => {
    const text = skillMessageText(skill);
    return text === null ? [] : [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }];
  });
}
