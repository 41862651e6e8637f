# twenty-bff: the compiled GraphQL BFF on Node 20, production dependencies only, as a non-root
# user. It runs against a real Twenty (TWENTY_API_URL is required): the embedded demo emulator
# and its SQLite driver are development tools and are not in this image.
# test/image.test.ts runs these same steps without a Docker engine.

# Build: the full install (TypeScript) compiles src/ into dist/ (tsconfig.build.json leaves the
# emulator out). No install scripts: nothing the build needs compiles native code.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY src ./src
RUN npm run build

# Production dependencies only (no better-sqlite3, no tsx, no TypeScript).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schema ./schema
COPY dashboard ./dashboard
USER node
EXPOSE 4000
# Liveness: /health says the process answers. Readiness (/ready, whether Twenty answers) is for
# the orchestrator's traffic decisions, not for restarting the container.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains requests in flight for up to SHUTDOWN_TIMEOUT_MS (8 s, within docker stop's 10 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
