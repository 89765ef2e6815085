/** Small pieces of the composer's actions the controller uses: image input items and user-message turns. */
import type { UserInput } from '../../protocol';
import type { AttachmentChip, ComposerImage } from '../../webview/protocol';

/** Composer images as `image` input items (data URLs, as the reference accepts them). */
export function imageInputs(images: ComposerImage[]): UserInput[] {
  return images.map((image): UserInput => ({ type: 'image', url: image.dataUrl }));
}

/** Transcript user-entry id → the turn it started (item id, or the local echo's id). */
export type UserTurns = Map<string, string>;


/** The chips under a sent prompt: attachments, `@` mentions and image thumbnails. */
export function promptChips(attachments: { label: string; details?: string }[], mentions: { name: string; path: string }[], images: ComposerImage[], skills: { name: string; path: string }[] = []): AttachmentChip[] {
  return [
    ...attachments.map((a) => ({ label: a.label, details: a.details })),
    ...mentions.map((m) => ({ label: `@${m.name}`, details: m.path })),
    ...skills.map((s) => ({ label: `$${s.name}`, details: s.path, skill: true })),
    ...images.map((image) => ({ label: image.name, details: `${image.width}×${image.height}`, image: image.dataUrl })),
  ];
}
