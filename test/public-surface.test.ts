/**
 * The public surface, pinned: every name each entry point exports, values
 * and types apart. A change here is a change to what users can import, so it
 * must be deliberate and show in review: update the lists in the same commit.
 * Values are read by importing the built package; types by asking the
 * TypeScript compiler for the exports of the published declarations.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The core's root entry: what an application uses; every adapter re-exports all of it. */
const CORE_VALUES = [
  'AuthError',
  'KeySourceError',
  'authUnavailable',
  'createKeySourceLogger',
  'createMemoryReplayStore',
  'createRemoteKeySource',
  'credentialsRequired',
  'forbidden',
  'insufficientScope',
  'insufficientUserAuthentication',
  'invalidCredentials',
  'invalidRequest',
  'invalidToken',
  'problemSchema',
  'safeEqual',
];
const APP_TYPES = [
  'AuthErrorCode',
  'AuthErrorEvent',
  'AuthErrorOptions',
  'AuthInfo',
  'AuthRequest',
  'AuthScheme',
  'BasicGuardOptions',
  'BearerGuardOptions',
  'DpopNonceOptions',
  'DpopOptions',
  'DroppedKeyReason',
  'ExtensionMembers',
  'Extensions',
  'GuardMiddleware',
  'JwtAuthInfo',
  'JwtGuardOptions',
  'JwtVerifierOptions',
  'KeySource',
  'KeySourceEvent',
  'KeySourceHealth',
  'KeySourceOptions',
  'MemoryReplayStoreOptions',
  'Policy',
  'PrincipalOf',
  'ProblemDetails',
  'ReplayStore',
  'ResourceMetadataOptions',
  'StepUpOptions',
  'StepUpRequirement',
  'Verdict',
];
const ADAPTER_VALUES = [
  'authErrors',
  'authOf',
  'basicAuth',
  'bearerAuth',
  'jwtAuth',
  'requireAuth',
  'requireScopes',
  'requireStepUp',
  'resourceMetadata',
];

const surface: Record<string, { file: string; values: string[]; types: string[] }> = {
  '@auth-errors/core': {
    file: 'packages/core/dist/index.d.ts',
    values: CORE_VALUES,
    types: APP_TYPES,
  },
  // What an adapter is written with, and nothing of the root entry: an adapter re-exports that one.
  '@auth-errors/core/adapter': {
    file: 'packages/core/dist/adapter.d.ts',
    values: [
      'PREFLIGHT',
      'PROBLEM_JSON',
      'appendToList',
      'catalog',
      'createGuardKit',
      'createRenderer',
      'fetchRenderFacts',
      'fromFetchRequest',
      'fromNodeRequest',
      'isAuthErrorCode',
      // The options reader, for a package beside the core (@auth-errors/redis) to read its options as the core does.
      'options',
      'renderFacts',
      'storeAuth',
      'storedAuth',
      'successHeaders',
    ],
    types: [
      'AdapterBindings',
      'Check',
      'Guard',
      'GuardKit',
      'Preflight',
      'ProblemTypeEntry',
      'RenderOptions',
      'RenderedResponse',
      'Renderer',
      'RequestFacts',
    ],
  },
  // A subpath of its own: describing an API is a build-time job, so applications never load it.
  '@auth-errors/core/openapi': {
    file: 'packages/core/dist/openapi.d.ts',
    values: ['openApiComponents'],
    types: ['OpenApiComponents', 'OpenApiOptions'],
  },
  '@auth-errors/testing': {
    file: 'packages/testing/dist/index.d.ts',
    values: ['authMatchers', 'parseChallenges'],
    types: ['AuthMatchers', 'Challenge', 'ChallengeExpectation', 'ParameterExpectation', 'ProblemExpectation'],
  },
  // Imported for what it does (registers the matchers with vitest's expect and types them), it exports nothing.
  // `@auth-errors/testing/jest` does the same for Jest; it needs Jest's global expect to load, so
  // packages/testing/test/jest.test.ts pins it.
  '@auth-errors/testing/vitest': { file: 'packages/testing/dist/vitest.d.ts', values: [], types: [] },
  '@auth-errors/express': {
    file: 'packages/express/dist/index.d.ts',
    values: [...CORE_VALUES, ...ADAPTER_VALUES],
    types: [...APP_TYPES, 'AuthErrorsOptions'],
  },
  '@auth-errors/koa': {
    file: 'packages/koa/dist/index.d.ts',
    values: [...CORE_VALUES, ...ADAPTER_VALUES],
    types: [...APP_TYPES, 'AuthContext', 'AuthErrorsOptions'],
  },
  '@auth-errors/fetch': {
    file: 'packages/fetch/dist/index.d.ts',
    values: [...CORE_VALUES, 'AuthErrorResponse', 'authErrors'],
    types: [...APP_TYPES, 'AuthErrorsOptions', 'FetchAuth', 'Gate'],
  },
  '@auth-errors/redis': {
    file: 'packages/redis/dist/index.d.ts',
    values: ['RedisTimeoutError', 'ReplayStoreUnavailable', 'createRedisReplayStore'],
    types: ['IoRedisLike', 'NodeRedisLike', 'RedisReplayStoreOptions'],
  },
  '@auth-errors/fastify': {
    file: 'packages/fastify/dist/index.d.ts',
    values: [...CORE_VALUES, ...ADAPTER_VALUES],
    types: [...APP_TYPES, 'AuthErrorsOptions', 'AuthHook'],
  },
};

const sorted = (names: Iterable<string>) => [...names].sort((a, b) => a.localeCompare(b));

function declaredExports(): Map<string, string[]> {
  const files = Object.values(surface).map(({ file }) => `${root}${file}`);
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const found = new Map<string, string[]>();
  for (const [entry, { file }] of Object.entries(surface)) {
    const source = program.getSourceFile(`${root}${file}`);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`no declarations for ${entry} at ${file}`);
    found.set(
      entry,
      checker.getExportsOfModule(symbol).map((s) => s.name),
    );
  }
  return found;
}

describe('public surface', () => {
  const declared = declaredExports();

  it.each(Object.entries(surface))('%s exports exactly the pinned values', async (entry, { values }) => {
    const module: Record<string, unknown> = await import(entry);
    expect(sorted(Object.keys(module))).toEqual(sorted(values));
  });

  it.each(Object.entries(surface))('%s declares exactly the pinned values and types', (entry, { values, types }) => {
    expect(sorted(declared.get(entry) ?? [])).toEqual(sorted([...values, ...types]));
  });

  it('an adapter exports what an application uses, and nothing for adapter authors', () => {
    const plumbing = [
      'createGuardKit',
      'fromNodeRequest',
      'renderFacts',
      'appendToList',
      'successHeaders',
      'createRenderer',
    ];
    for (const adapter of ['@auth-errors/express', '@auth-errors/koa', '@auth-errors/fastify', '@auth-errors/fetch']) {
      const names = surface[adapter]?.values ?? [];
      expect(names.filter((name) => plumbing.includes(name))).toEqual([]);
    }
  });
});
