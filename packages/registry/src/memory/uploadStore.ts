import type { UploadedPart } from '../ports/blobStore.ts';
import type { PartCommit, UploadRecord, UploadStore } from '../ports/uploadStore.ts';

/** Everything a MemoryUploadStore holds, as plain data. */
export interface MemoryUploadSnapshot {
  record: UploadRecord | null;
  parts: UploadedPart[];
  staged: Uint8Array;
  wakeAt: number | null;
}

/**
 * One upload's state in memory. Values are copied in and out, as a database would, so a rule that changes an
 * object it read changes nothing until it writes it.
 */
export class MemoryUploadStore implements UploadStore {
  private state: MemoryUploadSnapshot = { record: null, parts: [], staged: new Uint8Array(0), wakeAt: null };

  async read(): Promise<UploadRecord | null> {
    return structuredClone(this.state.record);
  }

  async write(record: UploadRecord): Promise<void> {
    this.state.record = structuredClone(record);
  }

  async readStaged(): Promise<Uint8Array> {
    return this.state.staged.slice();
  }

  async parts(): Promise<UploadedPart[]> {
    return [...this.state.parts].sort((a, b) => a.partNumber - b.partNumber);
  }

  async commitPart({ record, parts, staged }: PartCommit): Promise<void> {
    const byNumber = new Map(this.state.parts.map((part) => [part.partNumber, part]));
    for (const part of parts) byNumber.set(part.partNumber, { ...part });
    this.state = {
      ...this.state,
      record: structuredClone(record),
      parts: [...byNumber.values()],
      staged: staged.slice(),
    };
  }

  async wakeAt(at: number): Promise<void> {
    this.state.wakeAt = at;
  }

  async clear(): Promise<void> {
    this.state = { record: null, parts: [], staged: new Uint8Array(0), wakeAt: null };
  }

  /** When the upload asked to be woken, or null. */
  get wakeTime(): number | null {
    return this.state.wakeAt;
  }

  /** A copy of everything held: tests roll an upload back to it, as a server that lost writes would. */
  snapshot(): MemoryUploadSnapshot {
    return structuredClone(this.state);
  }

  /** Puts back what {@link MemoryUploadStore.snapshot} took. */
  restore(snapshot: MemoryUploadSnapshot): void {
    this.state = structuredClone(snapshot);
  }
}
