# One image for the api, the worker and the migration job; docker-compose.yml picks the npm script.
# The app runs its TypeScript through the `tsx` runtime dependency, so there is no build stage.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

WORKDIR /app

# Dependencies first, so code changes reuse this layer. Install scripts stay enabled: @swc/core
# (the worker's workflow bundler) and esbuild (tsx) install their native binaries that way.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

# The base image's unprivileged `node` user (uid 1000); the code stays root-owned and read-only to it.
USER node

EXPOSE 3000
CMD ["npm", "run", "api"]
