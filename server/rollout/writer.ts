import fs from 'node:fs';
import path from 'node:path';
import type { RolloutLine, RolloutLineType } from './format';

/**
 * Appends rollout lines to one JSONL file. Each line is written with a single
 * synchronous `write` on an append-mode descriptor, so once `append` returns
 * the line is in the kernel: a `kill -9` of the server loses nothing written
 * so far, and at worst truncates a line that was being written (readers skip
 * it). No fsync: surviving a power cut is not a goal.
 *
 * The file is created lazily on the first append (the reference also does not
 * materialize threads that never got content).
 */
export class RolloutWriter {
  private fd: number | null = null;

  constructor(private filePath: string) {}

  get path(): string {
    return this.filePath;
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  /** True once the file exists on disk (written by us or found there). */
  get materialized(): boolean {
    return this.fd !== null || fs.existsSync(this.filePath);
  }

  append(type: RolloutLineType, payload: object, timestamp = new Date()): void {
    const line: RolloutLine = { timestamp: timestamp.toISOString(), type, payload: payload as Record<string, unknown> };
    this.appendRaw([JSON.stringify(line)]);
  }

  /** Appends several already-serialized lines with one write. */
  appendRaw(lines: string[]): void {
    if (lines.length === 0) return;
    const fd = this.open();
    fs.writeSync(fd, lines.join('\n') + '\n');
  }

  /** Follows the file after it was moved (archive/unarchive). */
  relocate(newPath: string): void {
    this.close();
    this.filePath = newPath;
  }

  close(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } finally {
      this.fd = null;
    }
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
    // A previous run may have been killed mid-line: start on a fresh line so the
    // truncated fragment stays a single (skipped) corrupt line.
    let needsNewline = false;
    try {
      const stat = fs.statSync(this.filePath);
      if (stat.size > 0) {
        const fd = fs.openSync(this.filePath, 'r');
        try {
          const last = Buffer.alloc(1);
          fs.readSync(fd, last, 0, 1, stat.size - 1);
          needsNewline = last[0] !== 0x0a;
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch {
      /* new file */
    }
    this.fd = fs.openSync(this.filePath, 'a');
    if (needsNewline) fs.writeSync(this.fd, '\n');
    return this.fd;
  }
}
