# syntax=docker/dockerfile:1
#
# One image recipe for all four services (household-registry, enrollment, training,
# reporting). Pick the service at build time:
#
#   docker build --build-arg SERVICE=reporting -t dtc/reporting .
#
# docker-compose.yml passes SERVICE for each service. Without Docker, `npm start`
# runs the whole platform locally.
#
# The web apps (apps/field-app and apps/console, built with Vite) are served by nginx from the `gateway` target:
#
#   docker build --target gateway -t dtc/gateway .
#
# Its default server (deploy/nginx/web.conf) serves /field/ and /console/ only, as Kubernetes runs it behind the
# Ingress; docker-compose mounts deploy/nginx/gateway.conf to add the four APIs under /api/.
# `runtime` stays the last stage, so a build without --target is a service image.

############################ web ##############################
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
# vite build -> dist/web/<app> (dist/web/field-app and dist/web/console)
RUN npm run build:web

########################## gateway ############################
FROM nginx:1.27-alpine AS gateway
# Runs as the image's unprivileged nginx user (uid 101): no `user` switch, the pid file in /tmp,
# the temp directories owned by it (on Kubernetes both are emptyDir volumes; the root is read-only).
RUN sed -i -e '/^user /d' -e 's#^pid .*#pid /tmp/nginx.pid;#' /etc/nginx/nginx.conf \
 && chown -R nginx:nginx /var/cache/nginx
COPY deploy/nginx/field-app.conf /etc/nginx/snippets/field-app.conf
COPY deploy/nginx/console-app.conf /etc/nginx/snippets/console-app.conf
COPY deploy/nginx/web.conf /etc/nginx/conf.d/default.conf
# FIELD_OIDC_* -> /field/config.json and the provider's origin in the page's CSP, at each start.
COPY deploy/nginx/40-field-config.sh /docker-entrypoint.d/40-field-config.sh
COPY deploy/nginx/41-console-config.sh /docker-entrypoint.d/41-console-config.sh
COPY --from=web /app/dist/web/field-app /usr/share/nginx/html/field
COPY --from=web /app/dist/web/console /usr/share/nginx/html/console
USER nginx
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD wget -q -O /dev/null http://127.0.0.1:8080/field/ || exit 1

############################ build ############################
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Install dependencies first so this layer is cached until the lockfile changes.
# .npmrc sets ignore-scripts=true, so no install scripts run.
COPY package.json package-lock.json .npmrc ./
RUN npm ci

COPY . .
# tsc -p tsconfig.build.json -> dist/apps/<service>/src/main.js, dist/libs/<lib>/src/index.js
RUN npm run build \
 && npm prune --omit=dev

########################### runtime ###########################
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# A heap cap makes V8 collect garbage early: each service stays under ~300 MB resident (see docs/benchmarks.md).
ENV NODE_OPTIONS=--max-old-space-size=192
# Two glibc malloc arenas instead of up to 8 per core, as the soak runs (tools/runtime/service-heap.js).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app

# Files stay owned by root (read-only to the process); the service runs as `node`.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/tools/runtime ./tools/runtime

ARG SERVICE
ENV SERVICE=${SERVICE}
# Default port; docker-compose.yml sets PORT per service.
ENV PORT=3000

USER node

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:${PORT}/health').then((r) => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"

# The register hook maps `@dtc/<lib>` imports to dist/libs/<lib>/src/index.js.
# sh -c expands ${SERVICE} (failing loudly if it is empty); exec makes node PID 1 so it receives SIGTERM directly.
CMD ["sh", "-c", "exec node -r ./tools/runtime/register.js dist/apps/${SERVICE:?SERVICE build arg not set}/src/main.js"]
