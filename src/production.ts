/**
 * Imported first by main.ts, before anything loads graphql-js: graphql-js 16 chooses its
 * production code paths (no development checks in `instanceOf` on every type test) from
 * NODE_ENV when it is first imported. `npm start` and the image run this way; an explicit
 * NODE_ENV is kept, and tests, which import the app directly, keep development checks.
 */
process.env.NODE_ENV ??= 'production';
