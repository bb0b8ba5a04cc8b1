import { describe, expect, it } from 'vitest';
import { PullMemo } from '../src/pullMemo.ts';

describe('PullMemo', () => {
  it('drops expired answers as new ones come, so it holds about one lifetime of answers', () => {
    let now = 0;
    const memo = new PullMemo(16 * 1024 * 1024, () => now);
    for (let i = 0; i < 1000; i++) {
      memo.remember(`key-${i}`, i, 60);
      now += 1000;
    }
    // One answer a second, each kept 60 s: the last 60 are alive, the rest went.
    expect(memo.size).toBeLessThanOrEqual(61);
    expect(memo.recall('key-999')).toBe(999);
    expect(memo.recall('key-900')).toBeUndefined();
  });

  it('drops expired answers behind a longer-lived one kept before them', () => {
    let now = 0;
    const memo = new PullMemo(16 * 1024 * 1024, () => now);
    // A pull's once-a-day mark first, then short answers: the mark must not keep them from going.
    memo.remember('mark', true, 86_400);
    for (let i = 0; i < 1000; i++) {
      memo.remember(`key-${i}`, i, 5);
      now += 1000;
    }
    expect(memo.size).toBeLessThanOrEqual(7);
    expect(memo.recall('mark')).toBe(true);
  });

  it('keeps an answer younger than its lifetime', () => {
    let now = 0;
    const memo = new PullMemo(16 * 1024 * 1024, () => now);
    memo.remember('a', 'held', 60);
    now += 59_000;
    memo.remember('b', 'other', 5);
    expect(memo.recall('a')).toBe('held');
  });
});
