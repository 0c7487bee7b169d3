// /docs (Swagger UI) and /redoc (ReDoc) over /openapi.json, as the original's FastAPI serves
// them, but from the swagger-ui-dist and redoc packages on this machine instead of a CDN: the
// emulator works without a network. Assets are read on first request and kept.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const HTML_TYPE = 'text/html; charset=utf-8';

export interface Page {
  type: string;
  body: Buffer;
}

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

const swaggerHtml = `<!DOCTYPE html>
<html>
<head>
<link type="text/css" rel="stylesheet" href="/docs/swagger-ui.css">
<title>salvo servo-fleet - Swagger UI</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset], layout: 'BaseLayout', deepLinking: true });
</script>
</body>
</html>
`;

const redocHtml = `<!DOCTYPE html>
<html>
<head>
<title>salvo servo-fleet - ReDoc</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body>
</html>
`;

const PAGES: Record<string, () => Page> = {
  '/docs': () => ({ type: HTML_TYPE, body: Buffer.from(swaggerHtml) }),
  '/docs/swagger-ui.css': () => ({ type: 'text/css; charset=utf-8', body: readFileSync(join(packageDir('swagger-ui-dist'), 'swagger-ui.css')) }),
  '/docs/swagger-ui-bundle.js': () => ({
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(join(packageDir('swagger-ui-dist'), 'swagger-ui-bundle.js')),
  }),
  '/redoc': () => ({ type: HTML_TYPE, body: Buffer.from(redocHtml) }),
  '/redoc/redoc.standalone.js': () => ({
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(join(packageDir('redoc'), 'bundles', 'redoc.standalone.js')),
  }),
};

const loaded = new Map<string, Page>();

/** The page or asset at `path`, or undefined when it is not one of the documentation's. */
export function docsPage(path: string): Page | undefined {
  const make = PAGES[path];
  if (make === undefined) return undefined;
  let page = loaded.get(path);
  if (page === undefined) loaded.set(path, (page = make()));
  return page;
}
