# Local stand-in for nats:2.10-alpine when no image registry is reachable (tools/docker/base-images.sh): Debian's
# nats-server 2.9 with the same entry point contract (`-c <config>`) and wget for the compose health check.
ARG BASE_IMAGE=ats-local/bookworm:12
FROM ${BASE_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server \
  && rm -rf /var/lib/apt/lists/*
EXPOSE 4222 8222
ENTRYPOINT ["nats-server"]
CMD ["-c", "/etc/nats/nats-server.conf"]
