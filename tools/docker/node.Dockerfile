# Local stand-in for node:20-bookworm-slim when no image registry is reachable (tools/docker/base-images.sh):
# the minimal Debian 12 image plus this machine's Node 20 and npm, and the official images' `node` user (uid 1000).
ARG BASE_IMAGE=ats-local/bookworm:12
FROM ${BASE_IMAGE}
COPY node/ /usr/local/
COPY ca-certificates/ /usr/local/share/ca-certificates/
# Node reads the system store only through NODE_EXTRA_CA_CERTS: the host's added authorities reach npm that way.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN update-ca-certificates >/dev/null \
  && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && groupadd --gid 1000 node \
  && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
  && node --version && npm --version
CMD ["node"]
