# salvo: the CLI and every built-in target (`salvo serve http`, `salvo serve grpc-worker`, `salvo serve servo-fleet`, ...).
#   docker build -t salvo .
#   docker run --rm -p 8080:8080 salvo serve servo-fleet --apps 5000 --host 0.0.0.0
#   docker run --rm -v salvo-state:/data -p 8080:8080 salvo serve servo-fleet --host 0.0.0.0 --state-file /data/fleet.json
# Targets bind 127.0.0.1 by default: pass --host 0.0.0.0 to reach them from outside the container.
# `docker stop` sends SIGTERM, on which servo-fleet writes its --state-file.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
# serve grpc-worker reads its .proto from here, as in the npm package.
COPY proto ./proto
COPY examples ./examples
RUN mkdir -p /data && chown node:node /data
# The pods of `salvo k8s render|run` call `salvo` by name.
RUN chmod 755 dist/src/cli/main.js && ln -s /app/dist/src/cli/main.js /usr/local/bin/salvo
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
