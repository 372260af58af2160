/**
 * The options of `openApiComponents` and how they are read: the renderer's
 * options that shape a response, plus what only a description needs. The
 * renderer checks the options it shares with us when the examples render.
 */
import { fail } from '../options/validate.js';
import type { ExtensionMembers } from '../render/extensions.js';
import type { RenderOptions } from '../render/render.js';

/** The renderer options that shape responses, plus the extension members to describe. */
export interface OpenApiOptions
  extends Pick<RenderOptions, 'realm' | 'schemes' | 'typeBase' | 'resourceMetadata' | 'retryAfter' | 'instance'> {
  /**
   * The members your `extensions` render option adds, each with an example
   * value (`{ traceId: '4bf92f3577b34da6' }`): the value's JSON type becomes
   * the member's schema, and every example body carries it. Same rules as the
   * render option; a function cannot be described, so give example members.
   */
  readonly extensions?: ExtensionMembers | undefined;
  /**
   * Also describe 429 `too_many_requests` (the `AuthTooManyRequests` response
   * and its schema), which DPoP guards send for a key over its share of the
   * replay store. Default false: a document that references no 429 then has
   * no unused component.
   */
  readonly tooManyRequests?: boolean | undefined;
}

const OPTIONS = new Set([
  'realm',
  'schemes',
  'typeBase',
  'resourceMetadata',
  'retryAfter',
  'instance',
  'extensions',
  'tooManyRequests',
]);

export function validate(options: unknown): OpenApiOptions {
  if (typeof options !== 'object' || options === null) fail('openApiComponents options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) fail(`option "${key}" is not an option of openApiComponents (${[...OPTIONS].join(', ')})`);
  }
  const { instance, extensions, tooManyRequests } = options as OpenApiOptions;
  if (instance !== undefined && typeof instance !== 'boolean') fail('option "instance" must be a boolean');
  if (tooManyRequests !== undefined && typeof tooManyRequests !== 'boolean') {
    fail('option "tooManyRequests" must be a boolean');
  }
  if (typeof extensions === 'function') {
    fail(
      'option "extensions" of openApiComponents must be an object of example members ({ traceId: "4bf92f35" }): a function cannot be described',
    );
  }
  return options as OpenApiOptions;
}
