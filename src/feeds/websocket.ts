/**
 * Subscriptions (and queries) over WebSocket with the graphql-ws protocol, on the same port and
 * path as `/graphql`. Browsers cannot set headers on a WebSocket, so the key may come in
 * `connectionParams.authorization` ("Bearer <key>"); it wins over the upgrade request's header.
 * Operations run through yoga's own envelop (same schema, context, plugins, error masking).
 */
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { tokenFrom, type RequestContext } from '../context.js';
import { toGraphQLError } from '../errors.js';

/** The caller's credentials as a Fetch request, so the one context factory serves every transport. */
function requestOf(connectionParams: Readonly<Record<string, unknown>> | undefined, extra: Pick<Extra, 'request'>, path: string): Request {
  const headers = new Headers();
  const fromParams = connectionParams?.authorization ?? connectionParams?.Authorization;
  const fromUpgrade = extra.request.headers.authorization;
  const authorization = typeof fromParams === 'string' ? fromParams : typeof fromUpgrade === 'string' ? fromUpgrade : undefined;
  if (authorization !== undefined) headers.set('authorization', authorization);
  // What a browser says of the page that opened the socket: the default key is never lent to a
  // foreign page (see `tokenFrom`), over WebSocket as over HTTP.
  for (const name of ['origin', 'sec-fetch-site']) {
    const value = extra.request.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  const host = typeof extra.request.headers.host === 'string' ? extra.request.headers.host : 'websocket';
  return new Request(`http://${host}${path}`, { headers });
}

export function attachWebSocket(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, RequestContext>,
  options: { path: string; fallbackKey?: string; trustedOrigins?: readonly string[] },
): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server, path: options.path });
  const handle = useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      // A missing or malformed key closes the socket at once (4403 Forbidden); a key Twenty refuses fails its operations.
      onConnect: (ctx) => {
        try {
          tokenFrom(requestOf(ctx.connectionParams, ctx.extra, options.path), options.fallbackKey, options.trustedOrigins);
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, _id, params) => {
        try {
          const request = requestOf(ctx.connectionParams, ctx.extra, options.path);
          const enveloped = yoga.getEnveloped({ ...ctx, request, params });
          const document = enveloped.parse(params.query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) return errors;
          return {
            schema: enveloped.schema,
            document,
            operationName: params.operationName,
            variableValues: params.variables,
            contextValue: await enveloped.contextFactory(),
            rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
          };
        } catch (error) {
          return [error instanceof GraphQLError && !error.originalError ? error : toGraphQLError(error)];
        }
      },
    },
    wss,
  );
  let closing: Promise<void> | undefined;
  return {
    // Called by a graceful shutdown and again by the final close: once is enough.
    close() {
      return (closing ??= (async () => {
        for (const client of wss.clients) client.terminate();
        await handle.dispose();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })());
    },
  };
}
