/** Fields several factories declare alike. */
import { createChallengeFormatter } from '../render/challenge.js';
import { custom } from './fields.js';

/** A realm that can go into a challenge: the formatter refuses any other, naming "realm" (RFC 9110 §11.5). */
export const realmField = (doc: string, defaultDoc: string) =>
  custom(
    'a non-empty string of visible ASCII',
    (value) => {
      createChallengeFormatter({ realm: value as string });
      return value as string;
    },
    { doc, defaultDoc },
  );
