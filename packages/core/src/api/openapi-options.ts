/**
 * The options of `openApiComponents` and how they are read: the renderer's
 * options that shape a response, plus what only a description needs. They are
 * read by the declaration in options/openapi-options.ts, with the renderer's
 * own fields.
 */
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
