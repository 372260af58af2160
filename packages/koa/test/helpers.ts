/** Kept for test/guard-accessor.test.ts: both Koa majors now come from test/support/apps.ts. */
export { koaVersions } from '../../../test/support/apps.js';
