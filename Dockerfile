# Build and run enphase-etl on Node 20.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
COPY openapi ./openapi
COPY bin ./bin
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY openapi ./openapi
COPY bin ./bin
USER node
ENTRYPOINT ["node", "bin/enphase-etl.js"]
CMD ["start"]
