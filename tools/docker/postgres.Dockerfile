# Local stand-in for postgres:15-alpine when no image registry is reachable (tools/docker/base-images.sh):
# Debian's PostgreSQL 15 behind an entry point that honours the official image's POSTGRES_PASSWORD, POSTGRES_DB
# and PGDATA, so docker-compose.yml runs unchanged on it.
ARG BASE_IMAGE=ats-local/bookworm:12
FROM ${BASE_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/run/postgresql /var/lib/postgresql/data \
  && chown -R postgres:postgres /var/run/postgresql /var/lib/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["bash", "/usr/local/bin/postgres-entrypoint.sh"]
CMD ["postgres"]
