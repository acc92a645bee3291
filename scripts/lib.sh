# shellcheck shell=bash
# Shared setup for scripts/test and .ci/run. Source it; it only defines variables and functions:
#
#   shop_ensure_system_packages   PostgreSQL (+ pg_trgm), redis-server, python3-venv, iproute2,
#                                 chromium (the console's browser tests, at SHOP_CHROMIUM): as root,
#                                 apt-get installs what is missing; otherwise prints the exact
#                                 apt-get command to run and fails.
#   shop_ensure_venv              creates $SHOP_VENV (.venv) with python3 -m venv if missing.
#   shop_install_project [EXTRAS] pip install -e '.[EXTRAS]' into it (default EXTRAS: test,dev;
#                                 "" for the runtime only), pinned by constraints.txt.
#   shop_ensure_installed [EXTRAS] shop_install_project, unless setup.cfg, pyproject.toml,
#                                 constraints.txt and EXTRAS are unchanged since the last install.
#
# The PostgreSQL and redis-server lookups mirror tests/support/servers.py (SHOP_PG_BINDIR,
# pg_config --bindir, /usr/lib/postgresql/*/bin, PATH; SHOP_REDIS_SERVER, PATH).

SHOP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOP_VENV="$SHOP_ROOT/.venv"
SHOP_CONSTRAINTS="$SHOP_ROOT/constraints.txt" # tested versions; scripts/refresh-constraints
SHOP_PYTHON="${SHOP_PYTHON:-python3}" # the interpreter that creates the venv (>= 3.11)

shop_log() {
    echo "==> $*" >&2
}

shop_die() {
    echo "error: $*" >&2
    exit 1
}

# shop_have CMD: is CMD an executable on PATH? (`command -v` alone also accepts non-executables)
shop_have() {
    local path
    path="$(command -v "$1" 2>/dev/null)" && [[ -x "$path" ]]
}

# shop_has_pg_binaries DIR: does DIR hold PostgreSQL's server binaries?
shop_has_pg_binaries() {
    [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]
}

# shop_pg_bindir: print the PostgreSQL bin directory tests/support/servers.py will use; fail if none.
shop_pg_bindir() {
    local dir initdb
    if [[ -n "${SHOP_PG_BINDIR:-}" ]]; then
        shop_has_pg_binaries "$SHOP_PG_BINDIR" && echo "$SHOP_PG_BINDIR" && return 0
        return 1
    fi
    if shop_have pg_config; then
        dir="$(timeout 10 pg_config --bindir 2>/dev/null || true)"
        [[ -n "$dir" ]] && shop_has_pg_binaries "$dir" && echo "$dir" && return 0
    fi
    while IFS= read -r dir; do
        shop_has_pg_binaries "$dir" && echo "$dir" && return 0
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV)
    if shop_have initdb; then
        initdb="$(command -v initdb)"
        dir="$(dirname "$(readlink -f "$initdb")")"
        shop_has_pg_binaries "$dir" && echo "$dir" && return 0
    fi
    return 1
}

# shop_has_pg_trgm BINDIR: is the pg_trgm extension installed for that PostgreSQL?
shop_has_pg_trgm() {
    local sharedir=""
    if [[ -x "$1/pg_config" ]]; then
        sharedir="$(timeout 10 "$1/pg_config" --sharedir 2>/dev/null || true)"
    fi
    if [[ -z "$sharedir" ]]; then
        # Debian layout: /usr/lib/postgresql/15/bin -> /usr/share/postgresql/15
        sharedir="/usr/share/postgresql/$(basename "$(dirname "$1")")"
    fi
    [[ -f "$sharedir/extension/pg_trgm.control" ]]
}

# shop_missing_apt_packages: print the Debian packages still needed, space-separated.
shop_missing_apt_packages() {
    local missing=() bindir
    if bindir="$(shop_pg_bindir)"; then
        shop_has_pg_trgm "$bindir" || missing+=(postgresql-contrib)
    elif [[ -n "${SHOP_PG_BINDIR:-}" ]]; then
        shop_die "SHOP_PG_BINDIR=$SHOP_PG_BINDIR does not contain initdb, pg_ctl and postgres"
    else
        missing+=(postgresql postgresql-contrib)
    fi
    if [[ -n "${SHOP_REDIS_SERVER:-}" ]]; then
        [[ -x "$SHOP_REDIS_SERVER" ]] ||
            shop_die "SHOP_REDIS_SERVER=$SHOP_REDIS_SERVER is not an executable"
    elif ! shop_have redis-server; then
        missing+=(redis-server)
    fi
    [[ -x "${SHOP_CHROMIUM:-/usr/bin/chromium}" ]] || missing+=(chromium)
    # `ip netns` and veth links, for scripts/scale-out and its test
    shop_have ip || missing+=(iproute2)
    if [[ ! -x "$SHOP_VENV/bin/python" ]]; then
        if ! shop_have "$SHOP_PYTHON"; then
            missing+=(python3 python3-venv)
        elif ! "$SHOP_PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
            missing+=(python3-venv)
        fi
    fi
    echo "${missing[*]}"
}

shop_ensure_system_packages() {
    local missing
    missing="$(shop_missing_apt_packages)"
    [[ -z "$missing" ]] && return 0
    if [[ "$(id -u)" != 0 ]]; then
        echo "error: missing system packages: $missing" >&2
        echo "Install them with:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y $missing" >&2
        exit 1
    fi
    shop_log "installing system packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086 # word splitting wanted: a list of package names
    apt-get install -y -q --no-install-recommends $missing
    missing="$(shop_missing_apt_packages)"
    [[ -z "$missing" ]] || shop_die "still missing after apt-get install: $missing"
}

shop_ensure_venv() {
    if [[ ! -x "$SHOP_VENV/bin/python" ]]; then
        shop_have "$SHOP_PYTHON" || shop_die "$SHOP_PYTHON not found"
        shop_log "creating $SHOP_VENV with $("$SHOP_PYTHON" --version 2>&1)"
        "$SHOP_PYTHON" -m venv "$SHOP_VENV"
    fi
    "$SHOP_VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        shop_die "$SHOP_VENV uses $("$SHOP_VENV/bin/python" --version 2>&1); the project needs" \
            "Python >= 3.11: remove $SHOP_VENV and set SHOP_PYTHON to a newer interpreter"
}

# shop_install_project [EXTRAS]: pip install -e '.[EXTRAS]' into $SHOP_VENV with the tested
# versions of constraints.txt, and record what for.
shop_install_project() {
    local extras="${1-test,dev}" stamp="$SHOP_VENV/.shop-installed" target="."
    [[ -n "$extras" ]] && target=".[$extras]"
    shop_log "pip install -e '$target' -c constraints.txt"
    rm -f "$stamp"
    (cd "$SHOP_ROOT" &&
        "$SHOP_VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
            -q -c "$SHOP_CONSTRAINTS" -e "$target")
    shop_install_inputs_hash "$extras" >"$stamp"
}

# shop_install_inputs_hash EXTRAS: changes whenever the dependencies may have.
shop_install_inputs_hash() {
    { cat "$SHOP_ROOT/setup.cfg" "$SHOP_ROOT/pyproject.toml" "$SHOP_CONSTRAINTS" && echo "$1"; } |
        sha256sum | cut -d' ' -f1
}

# shop_ensure_installed [EXTRAS]: shop_install_project, unless the project is installed with
# EXTRAS and setup.cfg, pyproject.toml and constraints.txt are unchanged since.
shop_ensure_installed() {
    local extras="${1-test,dev}" stamp="$SHOP_VENV/.shop-installed" installed=""
    [[ -f "$stamp" ]] && installed="$(cat "$stamp")"
    if [[ -n "$installed" ]] && "$SHOP_VENV/bin/python" -m pip show -q shop >/dev/null 2>&1; then
        [[ "$installed" == "$(shop_install_inputs_hash "$extras")" ]] && return 0
        # The runtime is part of a test/dev install: no need to go back to a smaller one.
        [[ -z "$extras" && "$installed" == "$(shop_install_inputs_hash test,dev)" ]] && return 0
    fi
    shop_install_project "$extras"
}
