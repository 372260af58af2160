import { expect, it } from 'vitest';
import { describeJwtExample } from '../../../test/support/jwt-example-spec.js';
import * as example from '../app.js';
import { configFromEnv } from '../config.js';

describeJwtExample('express-jwt', example, (app) => app as never);

it('express-jwt: JWKS_URL without JWT_ISSUER and JWT_AUDIENCE is refused at start', () => {
  expect(() => configFromEnv({ JWKS_URL: 'https://idp.example/jwks' })).toThrow(/JWT_ISSUER and JWT_AUDIENCE/);
});
