#!/usr/bin/env bash
# Vérifie les données ouvertes, les agendas et le fil Atom produits par
# vitrine, avec les outils de leurs réutilisateurs : frictionless validate sur
# datapackage.json (le site livré et le site d'essai), icalendar (Python) qui
# relit chaque .ics, un analyseur XML pour atom.xml et le plan du site.
# Installe frictionless, icalendar et PyYAML dans un environnement virtuel
# sous ${CARGO_TARGET_DIR:-target}/opendata-venv, depuis PyPI.
# Usage : VITRINE_BIN=target/release/vitrine bash tests/opendata/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

requirements=("frictionless[json]==5.21.0" icalendar==7.3.2 pyyaml==6.0.3)
venv="${CARGO_TARGET_DIR:-target}/opendata-venv"
bin="${VITRINE_BIN:-${CARGO_TARGET_DIR:-target}/release/vitrine}"

# shellcheck source=tests/venv.sh
source tests/venv.sh
python_venv "$venv" "${requirements[@]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build() { # <racine> <sortie> [options] : construit, journal affiché en cas d'échec
  local root="$1" dest="$2"
  shift 2
  "$bin" build --root "$root" --no-pdf --no-search --output "$dest" "$@" >"$dest.log" 2>&1 ||
    { cat "$dest.log" >&2; exit 1; }
}
build . "$work/livre"
build tests/fixtures/mini "$work/mini" --today 2026-12-04
# Under another address (--base-url): the feed's and calendars' links follow.
build tests/fixtures/mini "$work/ailleurs" --today 2026-12-04 --base-url https://autre.example.org/sous/chemin/

for site in livre mini; do
  "$venv/bin/frictionless" validate "$work/$site/donnees/datapackage.json" >"$work/$site.rapport" ||
    { cat "$work/$site.rapport"; echo "datapackage.json du site $site invalide" >&2; exit 1; }
  echo "frictionless validate : datapackage.json du site $site valide"
done

for schema in "$work"/livre/donnees/*.schema.json; do
  "$venv/bin/frictionless" validate --type schema "$schema" >"$work/schema.rapport" ||
    { cat "$work/schema.rapport"; echo "$(basename "$schema") n'est pas un Table Schema valide" >&2; exit 1; }
done
echo "frictionless validate --type schema : les 6 schémas sont valides"

# Contre-épreuve : la validation doit échouer sur un export abîmé (une date
# au format français), sinon elle ne prouve rien.
cp -r "$work/livre/donnees" "$work/abime"
"$venv/bin/python" - "$work/abime/aides.csv" <<'PY'
import csv, sys
path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
y, m, d = rows[0]["mis_a_jour_le"].split("-")
rows[0]["mis_a_jour_le"] = f"{d}/{m}/{y}"
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
PY
if "$venv/bin/frictionless" validate "$work/abime/datapackage.json" >/dev/null 2>&1; then
  echo "frictionless accepte un aides.csv abîmé : la vérification ne prouve rien" >&2
  exit 1
fi
echo "frictionless validate : l'export abîmé est bien refusé"

"$venv/bin/python" tests/opendata/check.py "$work/mini" tests/fixtures/mini/content https://exemple.github.io/guide/
"$venv/bin/python" tests/opendata/check.py "$work/livre" content https://guide-installation.seine-et-marne.fr/
"$venv/bin/python" tests/opendata/check.py "$work/ailleurs" tests/fixtures/mini/content https://autre.example.org/sous/chemin/
