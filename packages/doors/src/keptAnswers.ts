import type { EdgeCache } from './edgeCache.ts';
import { type PullMemo, repositoryKey } from './pullMemo.ts';

/** A fact as the edge keeps it: when the catalog was asked, and its answer. */
interface EdgeFact {
  at: number;
  value: unknown;
}

/** What a fact is about: a layer, or an image asked for by its digest alone. */
export type FactKind = 'layer' | 'image';

/**
 * The answers of one registry's pulls kept in two places: this isolate's memo, and for the facts "repository R
 * holds digest D" the edge cache, which every isolate of the data center reads. A fact from the edge is believed
 * only while it is younger than the holding time and younger than the last change to its repository through
 * this isolate (so a delete here is never undone by an answer kept there before it).
 * @example
 * const kept = new KeptAnswers('123456789012', memo, edge);
 * const layer = (await kept.recallFact('app', 'layer', digest, 60))?.value;
 */
export class KeptAnswers {
  constructor(
    private readonly registryId: string,
    private readonly memo: PullMemo,
    private readonly edge: EdgeCache | undefined,
  ) {}

  /** The key of an answer about a repository in the memo. */
  key(repositoryName: string, ...parts: string[]): string {
    return repositoryKey(this.registryId, repositoryName) + parts.join('\n');
  }

  /** The clock of both places, epoch milliseconds. */
  now(): number {
    return this.memo.now();
  }

  /**
   * A fact kept here or at the edge and when it stops holding (epoch ms), so what it carries is believed no
   * longer; undefined when the catalog must be asked.
   */
  async recallFact(
    repositoryName: string,
    kind: FactKind,
    digest: string,
    seconds: number,
  ): Promise<{ value: unknown; until: number } | undefined> {
    const key = this.key(repositoryName, kind, digest);
    const local = this.memo.recall(key);
    if (local !== undefined) return { value: local, until: this.memo.until(key) };
    if (!this.edge || seconds <= 0) return undefined;
    const body = await this.edge.match(this.edgeKey(repositoryName, kind, digest));
    if (!body) return undefined;
    let fact: EdgeFact;
    try {
      fact = JSON.parse(await new Response(body).text()) as EdgeFact;
    } catch {
      return undefined;
    }
    const left = fact.at + seconds * 1000 - this.now();
    if (left <= 0 || fact.at <= this.memo.changedAt(this.registryId, repositoryName)) return undefined;
    this.memo.remember(key, fact.value, left / 1000, JSON.stringify(fact.value).length);
    return { value: fact.value, until: this.now() + left };
  }

  /**
   * Keeps a fact the catalog gave when asked at `askedAt`, here and at the edge; not when a change to the
   * repository went through this isolate since it was asked (the answer may be from before the change).
   */
  keepFact(
    repositoryName: string,
    kind: FactKind,
    digest: string,
    value: unknown,
    askedAt: number,
    seconds: number,
  ): void {
    if (seconds <= 0 || askedAt <= this.memo.changedAt(this.registryId, repositoryName)) return;
    const text = JSON.stringify({ at: askedAt, value } satisfies EdgeFact);
    this.memo.remember(this.key(repositoryName, kind, digest), value, seconds, text.length);
    if (!this.edge) return;
    const bytes = new TextEncoder().encode(text);
    this.edge.put(
      this.edgeKey(repositoryName, kind, digest),
      new Response(bytes).body as ReadableStream<Uint8Array>,
      bytes.length,
      seconds,
    );
  }

  /** Keeps an answer in this isolate only (a tag's image), on the same terms as a fact. */
  keepLocal(
    key: string,
    repositoryName: string,
    value: unknown,
    askedAt: number,
    seconds: number,
    size: number,
  ) {
    if (askedAt <= this.memo.changedAt(this.registryId, repositoryName)) return;
    this.memo.remember(key, value, seconds, size);
  }

  /** Forgets a repository here after a change to it, and drops the facts named at this edge. */
  changed(repositoryName: string, facts: { kind: FactKind; digest: string }[] = []): void {
    this.memo.forget(this.registryId, repositoryName);
    for (const { kind, digest } of facts) this.edge?.drop(this.edgeKey(repositoryName, kind, digest));
  }

  private edgeKey(repositoryName: string, kind: FactKind, digest: string): string {
    return `facts/${this.registryId}/${kind}/${digest}/${repositoryName}`;
  }
}
