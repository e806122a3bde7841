# Sourced by the test scripts that need Python packages from PyPI.
# python_venv DIR PACKAGE... : makes DIR a virtual environment holding
# exactly these packages (installed again only when the list changes),
# installing Debian's python3-venv first when root and it is missing.
python_venv() {
  local venv="$1"
  shift
  if [ "$(cat "$venv/.requirements" 2>/dev/null)" = "$*" ]; then
    return
  fi
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$venv"
      python3 -m venv "$venv"
    else
      echo "python3 -m venv a échoué : installez python3-venv." >&2
      exit 1
    fi
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  echo "$*" >"$venv/.requirements"
}
