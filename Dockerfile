# syntax=docker/dockerfile:1
# Reference image (issue 15, README "Production"): one image for every role; ROLE=api | worker chooses what a
# container runs, `npm run migrate` (same image) migrates once per deployment.

# 1. Build: every package (TypeScript, the web app's Vite), then tsc, the workflow bundle and the web app.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Run time: the run-time packages only (`npm ci --omit=dev`: no TypeScript, no @temporalio/testing, no JVM —
# what-if answers 503 here, docs/adr/0004) and what the built code reads: dist/ (code, workflow bundle, web app),
# templates/ (e-mails) and package.json.
FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    SEED_DEMO=false \
    DATA_DIR=/var/lib/pix/data \
    AUDIT_CHECKPOINT_DIR=/var/lib/pix/audit-checkpoints
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/templates ./templates
# Writable by the process (a named volume mounted there takes this ownership): the checkpoint sink, the data directory.
RUN mkdir -p /var/lib/pix/data /var/lib/pix/audit-checkpoints && chown -R node:node /var/lib/pix
USER node
EXPOSE 3000
# `npm start` runs the built code (node dist/scripts/start.js); node directly, so that `docker stop`'s SIGTERM reaches
# it and it stops what it started (scripts/start.ts), bounded.
CMD ["node", "dist/scripts/start.js"]
