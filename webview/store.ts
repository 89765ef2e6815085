/**
 * The webview's copy of the transcript, updated by host messages. Each entry
 * carries a revision so the list re-renders (and re-measures) only what changed.
 */
import type { ChatEntry, HostToWebview } from './protocol';

type StoreChange = { kind: 'reset' } | { kind: 'entry'; id: string } | { kind: 'removed'; id: string } | { kind: 'prepended'; count: number } | { kind: 'none' };

export class EntryStore {
  private list: ChatEntry[] = [];
  private readonly positions = new Map<string, number>();
  private readonly revisions = new Map<string, number>();

  get entries(): readonly ChatEntry[] {
    return this.list;
  }

  get(id: string): ChatEntry | undefined {
    const index = this.positions.get(id);
    return index === undefined ? undefined : this.list[index];
  }

  revision(id: string): number {
    return this.revisions.get(id) ?? 0;
  }

  reset(entries: ChatEntry[]): StoreChange {
    this.list = entries.map((entry) => structuredCloneEntry(entry));
    this.positions.clear();
    this.list.forEach((entry, index) => {
      this.positions.set(entry.id, index);
      this.bump(entry.id);
    });
    return { kind: 'reset' };
  }

  apply(message: HostToWebview): StoreChange {
    switch (message.type) {
      case 'snapshot':
        return this.reset(message.entries);
      case 'upsert': {
        const index = this.positions.get(message.entry.id);
        if (index === undefined) {
          this.positions.set(message.entry.id, this.list.length);
          this.list.push(message.entry);
        } else {
          this.list[index] = message.entry;
        }
        this.bump(message.entry.id);
        return { kind: 'entry', id: message.entry.id };
      }
      case 'prepend': {
        const fresh = message.entries.filter((entry) => !this.positions.has(entry.id)).map((entry) => structuredCloneEntry(entry));
        this.list = [...fresh, ...this.list];
        this.positions.clear();
        this.list.forEach((entry, i) => this.positions.set(entry.id, i));
        for (const entry of fresh) this.bump(entry.id);
        return { kind: 'prepended', count: fresh.length };
      }
      case 'remove': {
        const index = this.positions.get(message.id);
        if (index === undefined) return { kind: 'none' };
        this.list.splice(index, 1);
        this.positions.clear();
        this.list.forEach((entry, i) => this.positions.set(entry.id, i));
        return { kind: 'removed', id: message.id };
      }
      case 'append': {
        const entry = this.get(message.id);
        if (!entry) return { kind: 'none' };
        if (message.field === 'text' && entry.kind === 'agent') entry.text += message.delta;
        else if (message.field === 'output' && entry.kind === 'command') entry.output += message.delta;
        else if (message.field === 'summary' && entry.kind === 'reasoning') {
          const index = message.index ?? 0;
          while (entry.summary.length <= index) entry.summary.push('');
          entry.summary[index] += message.delta;
        } else return { kind: 'none' };
        this.bump(entry.id);
        return { kind: 'entry', id: entry.id };
      }
      default:
        return { kind: 'none' };
    }
  }

  private bump(id: string): void {
    this.revisions.set(id, (this.revisions.get(id) ?? 0) + 1);
  }
}

function structuredCloneEntry(entry: ChatEntry): ChatEntry {
  // Entries are mutated by `append`; never alias the message object.
  return JSON.parse(JSON.stringify(entry)) as ChatEntry;
}
