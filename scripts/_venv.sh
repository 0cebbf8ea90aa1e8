# Sourced by scripts/serve and scripts/test: a virtualenv in .venv with Planche installed.
# Debian's own Python refuses system-wide pip installs (PEP 668), hence the venv.
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# WeasyPrint (PDF records) draws with Pango; the fonts cover Danish, Swedish and emoji
PDF_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-color-emoji"

apt_install() {  # installs the Debian packages given that are not installed yet
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

make_venv() {  # $1: the pip extras, e.g. "[test]" or ""
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$1"
}

npm_ci() {  # $1: a folder with package.json and package-lock.json; installs exactly the lock
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
}
