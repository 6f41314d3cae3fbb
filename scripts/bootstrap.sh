#!/usr/bin/env bash
# Set up everything the portal needs to run from this checkout, and nothing more. Safe to run again:
# each step leaves a stamp and is skipped while its inputs are unchanged, so a second run takes seconds.
#
#   scripts/bootstrap.sh           runtime: .venv with the project's dependencies, node_modules
#   scripts/bootstrap.sh --test    also the test extras (pytest, ruff, playwright, …) and Debian's Chromium
#                                  (same as BOOTSTRAP_TEST=1)
#
# Environment: PYTHON=/path/to/python3.x picks the interpreter that creates .venv.
# Missing system programs (npm, Chromium) are installed with apt-get when running as root on
# Debian/Ubuntu; otherwise the script stops and says what to install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WANT_TEST="${BOOTSTRAP_TEST:-0}"
for arg in "$@"; do
    case "$arg" in
        --test | test) WANT_TEST=1 ;;
        -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bootstrap: unknown argument: $arg (use --test)" >&2; exit 2 ;;
    esac
done
case "$WANT_TEST" in 1 | true | yes) WANT_TEST=1 ;; *) WANT_TEST=0 ;; esac

VENV="$ROOT/.venv"
PY_MIN=(3 11)   # keep in step with requires-python in pyproject.toml (>=3.11,<3.13)
PY_MAX=(3 12)

say() { printf '==> %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

can_apt() { [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }
APT_UPDATED=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" = 0 ]; then
        say "apt-get update"
        apt-get update -qq </dev/null
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

sha() { cat "$@" | sha256sum | cut -d' ' -f1; }

# --- Python ---------------------------------------------------------------------------------------
# Prints "major minor" of an interpreter, or nothing when it does not run.
py_version() { "$1" -c 'import sys; print(*sys.version_info[:2])' 2>/dev/null || true; }
py_ok() {
    local v major minor
    v="$(py_version "$1")"
    [ -n "$v" ] || return 1
    read -r major minor <<<"$v"
    [ "$major" -eq "${PY_MIN[0]}" ] && [ "$minor" -ge "${PY_MIN[1]}" ] && [ "$minor" -le "${PY_MAX[1]}" ]
}

if [ -x "$VENV/bin/python" ] && ! py_ok "$VENV/bin/python"; then
    say ".venv has an unusable Python ($(py_version "$VENV/bin/python" | tr ' ' .)); recreating it"
    rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
    PY=""
    if [ -n "${PYTHON:-}" ] && ! py_ok "$PYTHON"; then
        die "PYTHON=$PYTHON is not Python ${PY_MIN[0]}.${PY_MIN[1]}-${PY_MAX[0]}.${PY_MAX[1]}"
    fi
    for candidate in ${PYTHON:-} python3 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 && py_ok "$candidate"; then
            PY="$(command -v "$candidate")"
            break
        fi
    done
    [ -n "$PY" ] || die "Python ${PY_MIN[0]}.${PY_MIN[1]} or ${PY_MAX[0]}.${PY_MAX[1]} is required (found: $(
        command -v python3 >/dev/null && python3 --version 2>&1 || echo none)).
  Debian 12 / Ubuntu 24.04: apt-get install python3 python3-venv
  Elsewhere: install Python 3.11 or 3.12 and run with PYTHON=/path/to/python3.x"
    say "creating .venv with $("$PY" --version 2>&1) ($PY)"
    if ! "$PY" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        if can_apt; then
            apt_install python3-venv
            "$PY" -m venv "$VENV"
        else
            die "'$PY -m venv' failed: install the venv module (Debian/Ubuntu: apt-get install python3-venv)"
        fi
    fi
fi

# Stamps live inside .venv and node_modules, so deleting either directory also forgets its stamp.
DEPS_HASH="$(sha pyproject.toml)"
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$DEPS_HASH" ]; }
BASE_STAMP="$VENV/.bootstrap-base"
TEST_STAMP="$VENV/.bootstrap-test"
if [ "$WANT_TEST" = 1 ]; then NEED_STAMP="$TEST_STAMP" SPEC=".[test]"; else NEED_STAMP="$BASE_STAMP" SPEC="."; fi

# A test install includes the runtime dependencies, so it satisfies a runtime request too.
if stamp_ok "$NEED_STAMP" || { [ "$WANT_TEST" = 0 ] && stamp_ok "$TEST_STAMP"; }; then
    say "Python packages up to date ($("$VENV/bin/python" --version 2>&1), .venv)"
else
    say "installing Python packages: pip install '$SPEC' (the first run takes a minute or two)"
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    # setuptools puts build/ and *.egg-info next to pyproject.toml while it builds the (empty) project.
    "$VENV/bin/python" -m pip install --quiet --progress-bar off "$SPEC"
    rm -rf build ./*.egg-info
    echo "$DEPS_HASH" >"$BASE_STAMP"
    if [ "$WANT_TEST" = 1 ]; then echo "$DEPS_HASH" >"$TEST_STAMP"; fi
fi

# --- Front-end packages ---------------------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
    if can_apt; then
        apt_install nodejs npm
    else
        die "npm is required for the front-end packages (Bootstrap, htmx, Leaflet, the Sarabun font).
  Debian/Ubuntu: apt-get install nodejs npm    macOS: brew install node    or see https://nodejs.org"
    fi
fi

NPM_STAMP="node_modules/.bootstrap-stamp"
NPM_HASH="$(sha package.json package-lock.json)"
npm_ok() {
    [ -f "$NPM_STAMP" ] && [ "$(cat "$NPM_STAMP")" = "$NPM_HASH" ] || return 1
    # The directories that STATICFILES_DIRS in aoc/settings.py serves must still be there.
    local d
    for d in bootstrap/dist bootstrap-icons/font @fontsource/sarabun htmx.org/dist leaflet/dist; do
        [ -d "node_modules/$d" ] || return 1
    done
}
if npm_ok; then
    say "front-end packages up to date (node_modules)"
else
    say "installing front-end packages: npm ci (npm $(npm --version))"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$NPM_HASH" >"$NPM_STAMP"
fi

# --- Libraries for the PDF booklet ----------------------------------------------------------------
# WeasyPrint (reports/booklet) lays out text with Pango and subsets fonts with HarfBuzz; the tests read
# the booklet back with poppler's pdftotext/pdffonts/pdftoppm.
if command -v dpkg-query >/dev/null 2>&1; then
    pdf_missing=()
    pdf_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
    if [ "$WANT_TEST" = 1 ]; then pdf_packages+=(poppler-utils); fi
    for p in "${pdf_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || pdf_missing+=("$p")
    done
    if [ "${#pdf_missing[@]}" -gt 0 ]; then
        if can_apt; then
            apt_install "${pdf_missing[@]}"
        else
            die "the PDF booklet needs these Debian packages: ${pdf_missing[*]}
  Debian/Ubuntu (as root): apt-get install ${pdf_missing[*]}"
        fi
    fi
fi

# --- Browser for the browser tests ----------------------------------------------------------------
if [ "$WANT_TEST" = 1 ]; then
    CHROMIUM=/usr/bin/chromium
    missing=()
    [ -x "$CHROMIUM" ] || missing+=(chromium)
    if command -v dpkg-query >/dev/null 2>&1 &&
        ! dpkg-query -W -f='${Status}' fonts-thai-tlwg 2>/dev/null | grep -q 'install ok installed'; then
        missing+=(fonts-thai-tlwg)   # Thai glyphs in screenshots and text layout
    fi
    if [ "${#missing[@]}" -eq 0 ]; then
        say "Chromium present ($CHROMIUM)"
    elif can_apt; then
        apt_install "${missing[@]}"
        [ -x "$CHROMIUM" ] || die "apt-get installed chromium but $CHROMIUM is missing"
    elif [ -x "$CHROMIUM" ]; then
        say "note: Thai fonts (Debian package fonts-thai-tlwg) are not installed; Thai text may render as boxes"
    else
        die "the browser tests need Debian's Chromium at $CHROMIUM.
  Debian/Ubuntu (as root): apt-get install chromium fonts-thai-tlwg"
    fi
fi

say "bootstrap done"
