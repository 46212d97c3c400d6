# Sourced by scripts/test.sh before pytest: start a throwaway PostgreSQL 15 server for the storage
# tests and export its URL; the server and its files are removed when the test command exits.
#   TCM_SURVEY_TEST_PG    postgresql+psycopg URL of an empty database on that server
#   TCM_SURVEY_REQUIRE_PG=1  the PostgreSQL variants of the storage tests fail (not skip) when
#                            the server cannot be reached
# Installs nothing: the `postgresql` package comes from scripts/apt-test.txt. The server listens on
# a unix socket in its temporary folder only (no TCP), on a port number that is free here.
# A developer can source this file by hand too: `source scripts/test.d/postgres.sh`.

_tcm_pg_main() {
  local bindir="" candidate
  for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bindir="$candidate"; break; fi
  done
  if [ -z "$bindir" ]; then
    echo "postgres.sh: PostgreSQL server binaries not found under /usr/lib/postgresql (Debian package: postgresql)" >&2
    return 1
  fi

  local as_user=()
  if [ "$(id -u)" -eq 0 ]; then   # initdb refuses to run as root
    if ! id postgres >/dev/null 2>&1; then
      echo "postgres.sh: running as root but there is no 'postgres' user (it comes with the postgresql package)" >&2
      return 1
    fi
    if command -v runuser >/dev/null 2>&1; then as_user=(runuser -u postgres --); else as_user=(su postgres -s /bin/sh -c); fi
  fi
  _tcm_pg_run() {  # run a command as the server's owner
    if [ "${#as_user[@]}" -eq 0 ]; then "$@";
    elif [ "${as_user[0]}" = runuser ]; then "${as_user[@]}" "$@";
    else "${as_user[@]}" "$(printf '%q ' "$@")"; fi
  }

  TCM_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tcm-survey-pg.XXXXXX")"
  if [ "${#as_user[@]}" -gt 0 ]; then chown postgres: "$TCM_PG_DIR"; fi
  chmod 700 "$TCM_PG_DIR"

  local port
  port="$(python3 - <<'PY' 2>/dev/null || echo 55432
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
)"

  if ! _tcm_pg_run "$bindir/initdb" -D "$TCM_PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$TCM_PG_DIR/initdb.log" 2>&1; then
    cat "$TCM_PG_DIR/initdb.log" >&2
    echo "postgres.sh: initdb failed" >&2
    return 1
  fi
  if ! _tcm_pg_run "$bindir/pg_ctl" -D "$TCM_PG_DIR/data" -l "$TCM_PG_DIR/server.log" -w -t 60 \
      -o "-p $port -k $TCM_PG_DIR -c listen_addresses= -c max_connections=200" start >/dev/null; then
    cat "$TCM_PG_DIR/server.log" >&2
    echo "postgres.sh: the server did not start" >&2
    return 1
  fi
  TCM_PG_BINDIR="$bindir"
  if ! _tcm_pg_run "$bindir/createdb" -h "$TCM_PG_DIR" -p "$port" -U postgres tcm_survey_test; then
    echo "postgres.sh: createdb failed" >&2
    return 1
  fi
  export TCM_SURVEY_TEST_PG="postgresql+psycopg://postgres@/tcm_survey_test?host=$TCM_PG_DIR&port=$port"
  export TCM_SURVEY_REQUIRE_PG=1
  echo "postgres.sh: PostgreSQL ($bindir) on socket $TCM_PG_DIR port $port"
}

_tcm_pg_stop() {
  if [ -n "${TCM_PG_DIR:-}" ] && [ -d "$TCM_PG_DIR" ]; then
    if [ -n "${TCM_PG_BINDIR:-}" ] && [ -f "$TCM_PG_DIR/data/postmaster.pid" ]; then
      if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$TCM_PG_BINDIR/pg_ctl" -D "$TCM_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 \
          || su postgres -s /bin/sh -c "'$TCM_PG_BINDIR/pg_ctl' -D '$TCM_PG_DIR/data' -m fast -w stop" >/dev/null 2>&1 || true
      else
        "$TCM_PG_BINDIR/pg_ctl" -D "$TCM_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
      fi
    fi
    rm -rf "$TCM_PG_DIR"
  fi
}

# Chain onto any EXIT trap another hook has set, rather than replace it.
_tcm_pg_previous_trap="$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")"
trap "_tcm_pg_stop${_tcm_pg_previous_trap:+; $_tcm_pg_previous_trap}" EXIT

_tcm_pg_main || { _tcm_pg_stop; return 1 2>/dev/null || exit 1; }
