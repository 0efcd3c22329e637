# The Slipway controller's image: the `slipway` command (`slipway controller` is the
# operator) with Node.js, helm and git, running as a non-root user.
#
#   npm run image                                   here: FROM the Debian + Node.js base
#                                                   that e2e/infra/images.sh builds offline
#   docker build -t REGISTRY/slipway:TAG . && docker push REGISTRY/slipway:TAG
#                                                   elsewhere: FROM the public Node.js image
ARG BASE_IMAGE=node:20-bookworm-slim

# --- build: compile the TypeScript, keep only the runtime dependencies -----------------
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY controller/ controller/
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- helm: the pinned helm binary, fetched and checked the way the e2e tools are -------
FROM ${BASE_IMAGE} AS helm
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends unzip ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY e2e/infra/tools.sh /tools.sh
RUN SLIPWAY_CACHE=/opt/tools bash /tools.sh >/dev/null && cp -L /opt/tools/bin/helm /helm

# --- runtime ----------------------------------------------------------------------
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git openssh-client ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/slipway
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY --from=helm /helm /usr/local/bin/helm
RUN ln -s /opt/slipway/dist/slipway/slipway.js /usr/local/bin/slipway \
 && slipway --help >/dev/null && helm version --short
ENV HOME=/tmp HELM=/usr/local/bin/helm NODE_ENV=production
USER 65532:65532
ENTRYPOINT ["slipway"]
CMD ["controller"]
