// The core's internals that the benchmarks measure, read from its built
// files: they are on no entry point (the adapter entry holds only what an
// adapter is written with). When one of these modules moves, this is the
// one place to follow it; a baseline build's copy of this file reads that
// build's files.
export { readAuthorization } from '../packages/core/dist/credentials/authorization.js';
export { decodeBasic } from '../packages/core/dist/credentials/basic.js';
export { findBearerToken } from '../packages/core/dist/credentials/bearer.js';
export { createJwtGuard } from '../packages/core/dist/guards/credentials-guards.js';
export { createJwtVerifier } from '../packages/core/dist/keys/jwt.js';
export { createChallengeFormatter } from '../packages/core/dist/render/challenge.js';
