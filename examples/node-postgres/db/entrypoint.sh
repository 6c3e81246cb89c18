#!/bin/sh
# PostgreSQL in a plain Debian rootfs: the few things an official postgres image's entrypoint does.
# First start (empty data directory): initdb as the postgres user, allow password logins from the networks,
# load every *.sql dump in /docker-entrypoint-initdb.d once. Every start: run postgres as PID 1, listening on all
# interfaces.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "entrypoint: initialising $PGDATA"
  as_postgres initdb -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # A private server (Unix socket only) for the dumps, so nobody connects to a half-loaded database.
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/run/postgresql" -w start >/dev/null
  for dump in /docker-entrypoint-initdb.d/*.sql; do
    [ -e "$dump" ] || continue
    echo "entrypoint: loading $dump"
    as_postgres psql -h /run/postgresql -U postgres -v ON_ERROR_STOP=1 -q -f "$dump"
  done
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi

echo "entrypoint: starting postgres"
exec setpriv --reuid=postgres --regid=postgres --init-groups \
  postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql
