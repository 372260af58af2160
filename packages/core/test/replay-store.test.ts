/**
 * The in-process DPoP replay store (RFC 9449 §11.1): one atomic
 * insert-if-absent with a time to live; memory bounded by what the window
 * holds under a sustained stream of unique proofs; full means 503 (a thrown
 * error), never an evicted live entry. The clock is the store's `now`.
 */
import { createMemoryReplayStore } from '@auth-errors/core';
import { describe, expect, it } from 'vitest';

describe('createMemoryReplayStore', () => {
  it('a key is accepted once while it lives, and again once it expired', async () => {
    let now = 0;
    const store = createMemoryReplayStore({}, () => now);
    expect(await store.reserve('a', 1000)).toBe(true);
    expect(await store.reserve('a', 1000)).toBe(false);
    now = 999;
    expect(await store.reserve('a', 1000)).toBe(false);
    now = 1000;
    expect(await store.reserve('a', 1000)).toBe(true);
  });

  it('a sustained stream of unique proofs never outgrows the window: 60 s at 100 a second in a store of 200', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 200 }, () => now);
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 100; i++) {
        now = second * 1000 + i * 10;
        expect(await store.reserve(`${second}-${i}`, 1000)).toBe(true);
      }
    }
    // Every entry of the last second is still refused as a replay.
    for (let i = 0; i < 100; i++) expect(await store.reserve(`59-${i}`, 1000)).toBe(false);
  });

  it('full of live entries, it refuses (the guard answers 503) and keeps every one of them', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 3 }, () => now);
    for (const key of ['a', 'b', 'c']) expect(await store.reserve(key, 60_000)).toBe(true);
    await expect(store.reserve('d', 60_000)).rejects.toThrow(/full/);
    for (const key of ['a', 'b', 'c']) expect(await store.reserve(key, 60_000)).toBe(false);
    now = 60_000;
    expect(await store.reserve('d', 60_000)).toBe(true);
  });

  it('an expired entry behind a live one is found when the store is full', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 2 }, () => now);
    expect(await store.reserve('long', 10_000)).toBe(true);
    expect(await store.reserve('short', 1000)).toBe(true);
    now = 2000;
    expect(await store.reserve('next', 1000)).toBe(true);
    expect(await store.reserve('long', 10_000)).toBe(false);
  });

  it('maxEntries is checked at creation', () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(/"maxEntries"/);
    expect(() => createMemoryReplayStore({ maxEntries: 1.5 })).toThrow(/"maxEntries"/);
  });
});
