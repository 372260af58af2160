/** Every declaration of the core's factories, in the order docs/options.md lists them. */
import type { Declaration } from './fields.js';
import { BASIC_OPTIONS, BEARER_OPTIONS, JWT_GUARD_OPTIONS, STEP_UP_OPTIONS } from './guard-options.js';
import { JWT_VERIFIER_OPTIONS } from './jwt-options.js';
import { REMOTE_KEY_SOURCE_OPTIONS } from './key-source-options.js';
import { OPENAPI_OPTIONS } from './openapi-options.js';
import { RENDERER_OPTIONS } from './renderer-options.js';
import { MEMORY_REPLAY_OPTIONS } from './replay-options.js';
import { RESOURCE_METADATA_OPTIONS } from './resource-metadata-options.js';

export const CORE_DECLARATIONS: readonly Declaration[] = [
  RENDERER_OPTIONS,
  BASIC_OPTIONS,
  BEARER_OPTIONS,
  JWT_GUARD_OPTIONS,
  JWT_VERIFIER_OPTIONS,
  STEP_UP_OPTIONS,
  REMOTE_KEY_SOURCE_OPTIONS,
  MEMORY_REPLAY_OPTIONS,
  RESOURCE_METADATA_OPTIONS,
  OPENAPI_OPTIONS,
];
