// What clients were told, and what could have undone it since: the answers the invariants hold the
// registry to. Ticks order the starts and ends of operations across clients.

/** Something a client was told succeeded: a repository holds a layer, or an image (and a tag naming it). */
export type Fact =
  | { kind: 'layer'; repo: string; digest: string; start: number }
  | { kind: 'image'; repo: string; digest: string; start: number }
  | { kind: 'tag'; repo: string; tag: string; digest: string; start: number };

/** An operation that may undo facts of a repository (`repo` null: every repository's). */
interface Undoer {
  repo: string | null;
  undoes: (fact: Fact) => boolean;
  end: number;
}

/** The facts clients learnt and the operations that could have undone them. */
export class History {
  private tick = 0;
  private readonly facts: Fact[] = [];
  private readonly undoers: Undoer[] = [];

  /** The tick an operation starts at. */
  start(): number {
    return ++this.tick;
  }

  /** Records a fact the client was told by an operation started at `fact.start`. */
  learn(fact: Fact): void {
    this.facts.push(fact);
  }

  /**
   * Runs an operation that may undo facts: whatever it does (succeed, fail, crash half way), a fact learnt
   * by an operation that started before it ended is no longer owed.
   */
  async undoing<T>(repo: string | null, undoes: (fact: Fact) => boolean, run: () => Promise<T>): Promise<T> {
    const undoer: Undoer = { repo, undoes, end: Number.POSITIVE_INFINITY };
    this.undoers.push(undoer);
    try {
      return await run();
    } finally {
      undoer.end = ++this.tick;
    }
  }

  /** The facts nothing may have undone: each must hold now. */
  owed(): Fact[] {
    return this.facts.filter(
      (fact) =>
        !this.undoers.some(
          (undoer) =>
            (undoer.repo === null || undoer.repo === fact.repo) &&
            undoer.end > fact.start &&
            undoer.undoes(fact),
        ),
    );
  }
}
