import { readFileSync } from 'node:fs';
import type { Plugin } from 'graphql-yoga';

const DIR = new URL('../../dashboard/', import.meta.url);
const FILES: Record<string, { name: string; type: string }> = {
  '/dashboard': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { name: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { name: 'style.css', type: 'text/css; charset=utf-8' },
};

/**
 * Serves the live pipeline page (`dashboard/`, plain files, no build step) on `GET /dashboard`.
 * `needsKey` tells the page to ask for a Twenty API key (kept in the tab's session storage) when
 * requests without one would be refused; with a configured key (the embedded demo) it just works.
 * The policy lets the page load only its own files and talk only to this server.
 */
export function useDashboard(options: { needsKey: boolean }): Plugin {
  const files = new Map(
    Object.entries(FILES).map(([path, { name, type }]) => {
      let body = readFileSync(new URL(name, DIR), 'utf8');
      if (name === 'index.html') body = body.replace('<html lang="en">', `<html lang="en" data-needs-key="${options.needsKey}">`);
      return [path, { body, type }];
    }),
  );
  return {
    onRequest({ url, request, endResponse }) {
      const file = files.get(url.pathname);
      if (!file) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response('Method Not Allowed', { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      endResponse(
        new Response(request.method === 'HEAD' ? null : file.body, {
          headers: {
            'content-type': file.type,
            'cache-control': 'no-cache',
            'x-content-type-options': 'nosniff',
            'referrer-policy': 'no-referrer',
            'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          },
        }),
      );
    },
  };
}
