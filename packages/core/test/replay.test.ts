/**
 * The in-process DPoP replay store (RFC 9449 §11.1): one atomic
 * insert-if-absent with a time to live; memory bounded by what the window
 * holds under a sustained stream of unique proofs; full means 503 (a thrown
 * error), never an evicted live entry. Each owner (the proof key's
 * thumbprint) holds at most its share, so that one key cannot fill the store
 * for every other (docs/conformance.md rule 70). The clock is the store's `now`.
 */
import { createMemoryReplayStore } from '@auth-errors/core';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';

let consoleError: MockInstance<typeof console.error>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => consoleError.mockRestore());

/** Owners as the guard names them: proof-key thumbprints. */
const OWNER = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const OTHER = 'mZ3tTpgsAcKcgJMEjSRd2TfvU-2e-yS6hXt5f0h2l1U';

describe('createMemoryReplayStore', () => {
  it('a key is accepted once while it lives, and again once it expired', async () => {
    let now = 0;
    const store = createMemoryReplayStore({}, () => now);
    expect(await store.reserve('a', 1000, OWNER)).toBe(true);
    expect(await store.reserve('a', 1000, OWNER)).toBe(false);
    now = 999;
    expect(await store.reserve('a', 1000, OWNER)).toBe(false);
    now = 1000;
    expect(await store.reserve('a', 1000, OWNER)).toBe(true);
  });

  it('a sustained stream of unique proofs never outgrows the window: 60 s at 100 a second in a store of 200', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 200, maxEntriesPerOwner: 200 }, () => now);
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 100; i++) {
        now = second * 1000 + i * 10;
        expect(await store.reserve(`${second}-${i}`, 1000, OWNER)).toBe(true);
      }
    }
    // Every entry of the last second is still refused as a replay.
    for (let i = 0; i < 100; i++) expect(await store.reserve(`59-${i}`, 1000, OWNER)).toBe(false);
  });

  it('full of live entries, it refuses (the guard answers 503) and keeps every one of them', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 3 }, () => now);
    for (const key of ['a', 'b', 'c']) expect(await store.reserve(key, 60_000, `owner-${key}`)).toBe(true);
    await expect(store.reserve('d', 60_000, 'owner-d')).rejects.toThrow(/full/);
    for (const key of ['a', 'b', 'c']) expect(await store.reserve(key, 60_000, `owner-${key}`)).toBe(false);
    now = 60_000;
    expect(await store.reserve('d', 60_000, 'owner-d')).toBe(true);
  });

  it('an expired entry behind a live one is found when the store is full', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 2, maxEntriesPerOwner: 2 }, () => now);
    expect(await store.reserve('long', 10_000, OWNER)).toBe(true);
    expect(await store.reserve('short', 1000, OWNER)).toBe(true);
    now = 2000;
    expect(await store.reserve('next', 1000, OWNER)).toBe(true);
    expect(await store.reserve('long', 10_000, OWNER)).toBe(false);
  });

  it('maxEntries is checked at creation', () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(/"maxEntries"/);
    expect(() => createMemoryReplayStore({ maxEntries: 1.5 })).toThrow(/"maxEntries"/);
  });
});

describe('rule 70: each owner holds at most its share of the in-process store', () => {
  it('over its share an owner is refused with the seconds until its oldest entry expires; other owners are not', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 10, maxEntriesPerOwner: 3 }, () => now);
    for (const [key, ttl] of [
      ['a', 4000],
      ['b', 60_000],
      ['c', 60_000],
    ] as const) {
      expect(await store.reserve(key, ttl, OWNER)).toBe(true);
    }
    now = 1500;
    expect(await store.reserve('d', 60_000, OWNER)).toEqual({ retryAfter: 3 });
    // Other owners fill the rest of the store.
    for (let i = 0; i < 7; i++) expect(await store.reserve(`other-${i}`, 60_000, `${OTHER}-${i}`)).toBe(true);
    // A replay stays a replay, whoever is over its share.
    expect(await store.reserve('b', 60_000, OWNER)).toBe(false);
    // 'd' was refused, so not recorded: it is no replay once the owner has room again.
    now = 4000;
    expect(await store.reserve('d', 60_000, OWNER)).toBe(true);
    expect(await store.reserve('e', 60_000, OWNER)).toEqual({ retryAfter: 56 });
  });

  it('an owner over its share fills nothing: the store never reports full, however long it insists', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 500 }, () => now);
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      now = i;
      const answer = await store.reserve(`flood-${i}`, 60_000, OWNER);
      if (answer !== true) refused++;
    }
    expect(refused).toBe(5000 - 50); // the default share: a tenth of maxEntries
    for (let i = 0; i < 450; i++) expect(await store.reserve(`other-${i}`, 60_000, `${OTHER}-${i % 9}`)).toBe(true);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('the default share is a tenth of maxEntries, at least one entry', async () => {
    const store = createMemoryReplayStore({ maxEntries: 9 });
    expect(await store.reserve('a', 60_000, OWNER)).toBe(true);
    expect(await store.reserve('b', 60_000, OWNER)).toEqual({ retryAfter: 60 });
    const defaults = createMemoryReplayStore();
    for (let i = 0; i < 10_000; i++) expect(await defaults.reserve(`k${i}`, 60_000, OWNER)).toBe(true);
    expect(await defaults.reserve('one-more', 60_000, OWNER)).toEqual({ retryAfter: 60 });
  });

  it('Retry-After is at least one second; an owner whose oldest entry expired behind a live one has it swept within a second', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 10, maxEntriesPerOwner: 2 }, () => now);
    expect(await store.reserve('long', 60_000, OTHER)).toBe(true);
    expect(await store.reserve('a', 1000, OWNER)).toBe(true);
    expect(await store.reserve('b', 1200, OWNER)).toBe(true);
    now = 900;
    expect(await store.reserve('c', 1000, OWNER)).toEqual({ retryAfter: 1 });
    // 'a' expired behind the live 'long': pruning from the oldest end stops there. The full pass that
    // finds it runs at most once a second (a flood must not buy one per request): until then, one second.
    now = 1100;
    expect(await store.reserve('c', 1000, OWNER)).toEqual({ retryAfter: 1 });
    now = 1900;
    expect(await store.reserve('c', 1000, OWNER)).toBe(true);
    expect(await store.reserve('d', 1000, OWNER)).toBe(true);
    expect(await store.reserve('e', 1000, OWNER)).toEqual({ retryAfter: 1 });
  });

  it('options are checked at creation; an owner that is not a string is an error (503), never a pass', async () => {
    expect(() => createMemoryReplayStore({ maxEntriesPerOwner: 0 })).toThrow(/"maxEntriesPerOwner"/);
    expect(() => createMemoryReplayStore({ maxEntriesPerOwner: 2.5 })).toThrow(/"maxEntriesPerOwner"/);
    expect(() => createMemoryReplayStore({ maxEntries: 10, maxEntriesPerOwner: 11 })).toThrow(
      'auth-errors: option "maxEntriesPerOwner" must be a positive integer, at most maxEntries',
    );
    expect(() => createMemoryReplayStore({ maxEntries: 10, maxEntriesPerOwner: 10 })).not.toThrow();
    const store = createMemoryReplayStore();
    await expect(store.reserve('a', 1000, undefined as never)).rejects.toThrow(TypeError);
  });
});

describe('the full store logs its state changes, not each refused request', () => {
  it('one line when it fills, none per refusal, one when it has room again; never a key', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 4, maxEntriesPerOwner: 1 }, () => now);
    for (const owner of ['o1', 'o2', 'o3', 'o4']) expect(await store.reserve(`k-${owner}`, 10_000, owner)).toBe(true);
    for (let i = 0; i < 50; i++) await expect(store.reserve(`x${i}`, 10_000, `p${i}`)).rejects.toThrow(/full/);
    expect(consoleError.mock.calls).toEqual([
      [
        'auth-errors: the in-process DPoP replay store is full (4 live proofs): DPoP requests get 503 until proofs expire; raise maxEntries or give every instance a shared store',
      ],
    ]);
    now = 10_000;
    expect(await store.reserve('y', 10_000, 'p1')).toBe(true);
    expect(consoleError).toHaveBeenCalledTimes(2);
    expect(consoleError.mock.calls[1]).toEqual(['auth-errors: the in-process DPoP replay store has room again']);
    for (const [line] of consoleError.mock.calls) expect(line).not.toMatch(/k-o1|x1|p1/);
  });
});
