import { escapeHtml } from './escape.js';

/**
 * A report page's head: its title and styles, and a Content-Security-Policy that lets it load nothing
 * (`policy` opens only what its own inline content needs), so it opens offline and never calls home.
 */
export function htmlHead(title: string, policy: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>`;
}
