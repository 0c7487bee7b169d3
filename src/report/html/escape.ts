const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value, safe anywhere in HTML: every URL, header and warning goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/**
 * JSON for a `<script type="application/json">`. Escaping every `<` as \u003c keeps it valid JSON and
 * makes `</script>` or `<!--` in the data (a URL, a header, a body) unable to end or confuse the element.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * Code for an inline `<script>`. Code cannot be escaped without knowing where a `</script` sits (string,
 * regex or comment), so code that holds one is refused rather than silently broken.
 */
export function scriptForInline(code: string, source: string): string {
  if (/<\/script|<!--/i.test(code)) throw new Error(`cannot inline ${source}: it contains "</script" or "<!--"`);
  return code;
}
