/** `createMemoryReplayStore(options)`: the in-process DPoP replay store's bounds. */
import { count, declare } from './fields.js';

export const MEMORY_REPLAY_OPTIONS = declare(
  'memory replay store options',
  {
    maxEntries: count(
      {},
      { doc: 'The most live entries held; when full, requests fail with 503 rather than evict one.', default: 100_000 },
    ),
    maxEntriesPerOwner: count(
      {},
      {
        doc: 'The most live entries one proof key holds (at most maxEntries); past it, that key gets 429.',
        defaultDoc: 'a tenth of maxEntries',
      },
    ),
  },
  { title: 'createMemoryReplayStore(options)' },
);
