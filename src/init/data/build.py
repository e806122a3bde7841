#!/usr/bin/env python3
"""Builds the national tables `vitrine init` embeds, from the npm package
@etalab/decoupage-administratif (pinned below; Licence Ouverte / Etalab).

    npm pack @etalab/decoupage-administratif@6.0.0
    tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python3 src/init/data/build.py package/data

Writes communes-france.csv (departement,insee,name,postcodes,population;
current communes only, sorted by INSEE code, postcodes joined by `;`) and
departements.csv (code,name) next to this script.
"""
import csv
import json
import os
import sys

VERSION = "6.0.0"


def main(data_dir):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(data_dir, "communes.json"), encoding="utf-8") as f:
        communes = json.load(f)
    with open(os.path.join(data_dir, "departements.json"), encoding="utf-8") as f:
        departements = json.load(f)
    rows = sorted(
        (
            c["departement"],
            c["code"],
            c["nom"],
            ";".join(sorted(c.get("codesPostaux", []))),
            str(c["population"]) if "population" in c else "",
        )
        for c in communes
        if c.get("type") == "commune-actuelle"
    )
    with open(os.path.join(here, "communes-france.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["departement", "insee", "name", "postcodes", "population"])
        w.writerows(sorted(rows, key=lambda r: r[1]))
    with open(os.path.join(here, "departements.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name"])
        w.writerows(sorted((d["code"], d["nom"]) for d in departements))
    print(f"{len(rows)} communes, {len(departements)} départements")


if __name__ == "__main__":
    main(sys.argv[1])
