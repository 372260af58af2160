/**
 * The one way the library writes to the log (stderr): a line that stays one
 * line. What goes into a line may come from elsewhere (an error's `name` or
 * `code` thrown by your `verify` or a driver, a request path), so control
 * characters are escaped: a CR or LF could otherwise forge a second log entry,
 * and an ESC could rewrite a terminal. A backslash is escaped too, so an
 * escape in the log always means an escaped character.
 */

/** `\uXXXX` for C0 and C1 controls, DEL, U+2028 and U+2029; `\\` for a backslash. */
export function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g, (char) =>
    char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Writes `auth-errors: <text>` on stderr, escaped. */
export function logLine(text: string): void {
  console.error(`auth-errors: ${escapeControls(text)}`);
}
