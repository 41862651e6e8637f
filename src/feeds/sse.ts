/**
 * Subscriptions over SSE on `/graphql`: yoga serves the graphql-sse protocol's distinct
 * connections mode itself (POST or GET with `Accept: text/event-stream`); its single connection
 * mode (a stream reserved with PUT, operations posted with the stream's token) is the
 * graphql-sse plugin's, routed here so both share the one endpoint.
 */
import { useGraphQLSSE } from '@graphql-yoga/plugin-graphql-sse';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import { currentEventId } from './changes.js';

const TOKEN_HEADER = 'x-graphql-event-stream-token';

/** The graphql-sse protocol's single connection mode, on `/graphql`; every other request goes on to yoga. */
export function useGraphQLSseSingleConnection(endpoint = '/graphql'): Plugin {
  const plugin = useGraphQLSSE({ endpoint });
  return {
    ...plugin,
    onRequest(payload) {
      const { request, url } = payload;
      if (url.pathname !== endpoint) return;
      const singleConnection = request.method === 'PUT' || request.headers.has(TOKEN_HEADER) || url.searchParams.has('token');
      if (singleConnection) return plugin.onRequest?.(payload);
    },
  };
}

/**
 * Two things yoga's SSE writer needs for feeds:
 * - Every event of a feed is labelled with its event id (`id: <eventId>`), so a browser's
 *   EventSource sends it back as `Last-Event-ID` when it reconnects and resumes where it left.
 *   The writer has no place for an id, but it serialises each result with the result's own
 *   `stringify` when present: appending the `id:` line there puts it inside the same SSE event.
 * - A subscription that cannot start (bad filter, refused key) is answered with status 200 and
 *   its error as the stream's one event, as graphql-ws sends it: with a 4xx or 5xx status SSE
 *   clients report a network error and never read the error's code.
 */
export function useSseSubscriptions(): Plugin {
  return {
    onExecutionResult({ request, result, setResult, context }) {
      if (!result) return;
      const accept = request.headers.get('accept') ?? '';
      if (!accept.includes('text/event-stream') || accept.includes('multipart/mixed')) return;
      if (!isAsyncIterable(result)) {
        if (!('data' in result) && result.errors?.length) setResult({ ...result, extensions: { ...result.extensions, http: { status: 200 } } });
        return;
      }
      setResult(
        mapAsyncIterator(result, (value) => {
          const eventId = currentEventId(context);
          return eventId === undefined ? value : { ...value, stringify: (r: unknown) => `${JSON.stringify(r)}\nid: ${eventId}` };
        }),
      );
    },
  };
}
