/** The guards' options: `basicAuth`, `bearerAuth`, `jwtAuth` of every adapter, and `requireStepUp`. */
import { credentialsRequired } from '../errors/errors.js';
import { DEFAULT_MAX_CONCURRENT } from '../guards/concurrency.js';
import { realmField } from './common-fields.js';
import { DPOP_OPTIONS } from './dpop-options.js';
import { bool, count, custom, declare, duration, fn, nested } from './fields.js';
import { JWT_VERIFIER_FIELDS } from './jwt-options.js';

const realm = realmField('Realm of the challenge (RFC 9110 §11.5).', "the renderer's");

const BEARER_FIELDS = {
  realm,
  methods: nested(
    {
      query: bool({ doc: 'Accept `access_token` from the query (RFC 6750 §2.3).', default: false }),
      body: bool({ doc: 'Accept `access_token` from an urlencoded body (RFC 6750 §2.2).', default: false }),
    },
    {
      doc: 'Where else a token may be sent. Default: the Authorization header only.',
      says: 'option "methods" must be an object such as { query: true, body: false }',
    },
  ),
  // Checked by the error factory, so that a scope that cannot go into a challenge is refused naming "challengeScope".
  challengeScope: custom(
    'an array of scope tokens',
    (value) => credentialsRequired({ challengeScope: value as readonly string[] }).challengeScope as readonly string[],
    { doc: 'Scopes sent as `scope` on 401 challenges (RFC 6750 §3): advice; enforce with requireScopes.' },
  ),
  dpop: nested(DPOP_OPTIONS, { doc: 'Accept DPoP-bound tokens (RFC 9449). Default: Bearer only.' }),
} as const;

export const BASIC_OPTIONS = declare(
  'basic guard options',
  {
    realm,
    verify: fn('(user, password, request) => verdict', {
      doc: 'Checks a user and password (NFC-normalized, UTF-8); compare secrets with safeEqual.',
      required: true,
    }),
    maxConcurrent: count(
      {},
      { doc: 'The most `verify` calls that run at once; beyond them, 503 at once.', default: DEFAULT_MAX_CONCURRENT },
    ),
  },
  { title: 'basicAuth(options)' },
);

export const BEARER_OPTIONS = declare(
  'bearer guard options',
  {
    verify: fn('(token, request) => verdict', { doc: 'Checks an opaque token.', required: true }),
    ...BEARER_FIELDS,
  },
  { title: 'bearerAuth(options)' },
);

export const JWT_GUARD_OPTIONS = declare(
  'JWT options',
  { ...JWT_VERIFIER_FIELDS, ...BEARER_FIELDS },
  {
    title: 'jwtAuth(options)',
  },
);

export const STEP_UP_OPTIONS = declare(
  'step-up requirement',
  {
    // Both checked together, with the error factory's messages (a requirement needs one of them).
    acrValues: custom('a non-empty array of acr values', (value) => value as readonly string[], {
      doc: 'Accepted `acr` values (RFC 9470 §3).',
    }),
    maxAge: duration('seconds', { min: 0 }, { doc: 'Oldest accepted `auth_time`, in seconds before now.' }),
    clockTolerance: duration(
      'seconds',
      { min: 0, max: 300 },
      { doc: 'How far an `auth_time` may lie in the future (clock skew).', default: 30 },
    ),
  },
  { title: 'requireStepUp(requirement)' },
);
