#!/usr/bin/env python3
# Copied from the workplace's shared benchmark harness (`../shared/bench/gen.py`,
# which is not part of this repository and not present on CI), so that
# `bench/` is self-contained and generates the same data set byte for byte for
# the peers. Its vitrine side follows vitrine's model (a source's date is
# `consulte_le`; the page count includes the pages vitrine added), and
# bench/run.sh gives this file to the shared harness too. Only its `vitrine/` output is used here; bench/run.sh
# sets VITRINE_TERRITOIRE to this project's content/territoire and deletes the
# peers' copies (site/, hugo/, eleventy/, zola/) after generation. There is no
# peers/ folder here, so those copies get no templates (harmless).
"""Generate the synthetic benchmark data set and each peer's idiomatic site.

Usage:  python3 gen.py N [--pages M] [--seed S] [--out DIR]

N is the number of records per kind (aids, housing, msu, strengths); M the
number of Markdown pages (default: max(min(N // 5, 200), N // 10), i.e. 200
pages at N=1000 and 1000 pages at N=10000).  Output (default
sites/n<N>/, next to this script):

  site/      the new generator's layout (the reference data):
               content/site.yaml
               content/{aids,housing,msu,strengths}/<id>.yaml   one record a file
               content/pages/<slug>.md                          YAML front matter
             plus whatever peers/new/ holds (templates for the new generator).
  hugo/      peers/hugo/ + hugo.yaml + data/<kind>/<id>.yaml (read by one
             content adapter per kind) + content/pages/<slug>.md
  eleventy/  peers/eleventy/ + src/_data/site.yaml + src/_data/<kind>/<id>.yaml
             (paginated, one page per record) + src/pages/<slug>.md
  zola/      peers/zola/ + config.toml + content/<kind>/<id>.md (TOML front
             matter, fields under [extra], description as the body) +
             content/pages/<slug>.md (TOML front matter)
  vitrine/   the same records and pages in vitrine's real layout and schema
             (content/{aides,logements,stages,atouts,organisations}/,
             content/pages/, content/site.yaml, and content/territoire/ copied
             from vitrine's shipped content: real communes of Seine-et-Marne).
             Built from the records above without drawing from the random
             generator, so the other outputs are unchanged.

Everything is derived from a single random.Random(seed), so the same
arguments always give byte-identical output.  Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import unicodedata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PEERS = BENCH / "peers"

KINDS = ["aids", "housing", "msu", "strengths"]
ID_PREFIX = {"aids": "aide", "housing": "logement", "msu": "msu", "strengths": "atout"}

SITE = {
    "title": "Installation des soignants en territoire rural",
    "base_url": "https://exemple.fr/",
    "language": "fr",
}

# --------------------------------------------------------------------------
# Vocabulary (French, with accents on purpose: the generators must handle UTF-8)
# --------------------------------------------------------------------------

SAINTS = ["Martin", "Étienne", "Germain", "Jean", "Pierre", "Hilaire", "André",
          "Léger", "Aubin", "Médard", "Rémy", "Amand", "Génis", "Éloi", "Cyr",
          "Denis", "Laurent", "Georges", "Julien", "Symphorien", "Benoît",
          "Honoré", "Loup", "Ouen", "Barthélemy"]
SAINTES = ["Marie", "Colombe", "Hélène", "Foy", "Geneviève", "Cécile",
           "Radegonde", "Eulalie", "Néomaye", "Gemme"]
BASES = ["Beaumont", "Villeneuve", "Châteauneuf", "Montfort", "Fontenay",
         "Neuville", "Rochefort", "Bourgneuf", "Chênehutte", "Écully", "Aubière",
         "Brûlon", "Pézenas", "Mérignac", "Lézignan", "Vézelay", "Sézanne",
         "Crêches", "Évian", "Orgères", "Pléneuf", "Trégastel", "Quimperlé",
         "Fougères", "Ancenis", "Blâmont", "Gérardmer", "Lunéville", "Mézières",
         "Bréhal", "Sées", "Aÿ", "Bègles", "Cléry", "Dénezé", "Hérouville",
         "Égletons", "Ploërmel", "Vénissieux", "Mâcon", "Nérac", "Prémery",
         "Sablé", "Thénezay", "Vitré", "Bozouls", "Vallon", "Aubusson",
         "Montbrison", "Lamballe", "Ornans", "Riom", "Salers", "Tonnerre"]
SUFFIXES = ["", "", "", "-sur-Loire", "-sur-Marne", "-lès-Bains", "-en-Bresse",
            "-le-Château", "-la-Forêt", "-sur-Mer", "-des-Prés", "-du-Var",
            "-en-Vexin", "-le-Vieux", "-d'Allier", "-sous-Bois", "-lès-Nancy",
            "-en-Provence", "-de-Bretagne", "-l'Abbaye", "-sur-Sèvre",
            "-en-Forez", "-le-Bas", "-la-Rivière"]

NOUNS = ["installation", "médecin", "cabinet", "territoire", "commune", "santé",
         "patientèle", "équipe", "maison", "logement", "aide", "dispositif",
         "projet", "étudiant", "interne", "département", "région", "hôpital",
         "pharmacie", "réseau", "accompagnement", "financement", "collectivité",
         "infirmière", "kinésithérapeute", "sage-femme", "consultation",
         "permanence", "téléconsultation", "coordination", "prévention", "accès",
         "quartier", "village", "vallée", "bourg", "école", "crèche", "marché",
         "gare", "association", "élu", "habitant", "famille", "qualité",
         "environnement", "forêt", "rivière", "sentier", "patrimoine", "église",
         "château", "festival", "bibliothèque", "piscine", "stade", "collège",
         "lycée", "desserte", "covoiturage", "loyer", "bail", "chambre",
         "studio", "jardin", "terrasse", "stationnement", "démarche", "dossier",
         "candidature", "convention", "contrat", "engagement", "durée",
         "montant", "versement", "exonération", "fiscalité", "subvention",
         "bourse", "prime", "garantie", "remplaçant", "stagiaire", "formation",
         "université", "faculté", "secrétariat", "matériel", "local", "bâtiment"]
ADJS = ["rural", "médical", "attractif", "régional", "départemental", "local",
        "pluriprofessionnel", "dynamique", "accueillant", "équipé", "rénové",
        "meublé", "lumineux", "calme", "proche", "accessible", "gratuit",
        "prioritaire", "déficitaire", "éligible", "nécessaire", "complet",
        "spécifique", "nouveau", "ancien", "agréable", "sécurisé", "écologique",
        "économique", "collectif", "intercommunal", "hospitalier", "libéral",
        "salarié", "fréquenté", "préservé", "réputé", "réservé", "déclaré"]
VERBS = ["propose", "finance", "accompagne", "facilite", "soutient", "garantit",
         "permet", "favorise", "encourage", "accueille", "met à disposition",
         "complète", "renforce", "développe", "prévoit", "offre", "réunit",
         "dessert", "bénéficie de", "améliore", "précise", "sécurise"]
DETS = ["le", "la", "les", "un", "une", "des", "ce", "cette", "notre", "chaque",
        "leur", "votre"]
PREPS = ["pour", "avec", "dans", "sur", "auprès de", "près de", "en faveur de",
         "au sein de", "à proximité de", "depuis", "grâce à", "selon", "entre",
         "vers", "après"]
CONNECTORS = ["ainsi que", "tandis que", "afin que", "lorsque", "puisque",
              "même si", "dès que", "alors que"]
HEADINGS = ["Présentation", "Conditions d'éligibilité", "Démarches à suivre",
            "Pièces justificatives", "Calendrier", "Contacts utiles",
            "Questions fréquentes", "Vie locale", "Accès et transports",
            "Témoignages", "Financements mobilisables", "Pour aller plus loin",
            "Étapes clés", "Ce qu'il faut retenir"]
PAGE_TOPICS = ["Guide pratique", "S'installer en zone rurale", "Les aides de l'État",
               "Trouver un logement", "Exercer en maison de santé", "Le rôle de l'ARS",
               "Stages et internat", "Vivre à la campagne", "Charte de qualité",
               "Mentions légales", "Foire aux questions", "Témoignage",
               "Réseau des élus", "Accueil des familles", "Protection des données"]

PROFESSIONS = ["medecin_generaliste", "infirmier", "kinesitherapeute",
               "chirurgien_dentiste", "sage_femme", "pharmacien", "orthophoniste",
               "psychologue"]
AID_KINDS = ["bourse", "subvention", "exoneration", "contrat"]
AID_LABEL = {"bourse": "Bourse", "subvention": "Subvention",
             "exoneration": "Exonération", "contrat": "Contrat d'engagement"}
AID_PURPOSE = ["d'installation des médecins généralistes",
               "pour l'accueil des internes", "de démarrage d'activité",
               "à l'équipement du cabinet", "de fidélisation des soignants",
               "pour la création d'un cabinet secondaire",
               "à la mobilité des étudiants en santé", "de continuité des soins"]
FUNDERS = ["ARS", "Région", "Département", "Communauté de communes", "Commune",
           "Assurance maladie"]
HOUSING_TYPES = ["studio", "t1", "t2", "t3", "maison", "chambre"]
HOUSING_LABEL = {"studio": "Studio", "t1": "Appartement T1", "t2": "Appartement T2",
                 "t3": "Appartement T3", "maison": "Maison", "chambre": "Chambre"}
AUDIENCES = ["interne", "externe", "remplacant", "stagiaire", "tous"]
MSU_STATUS = ["ouverte", "en_projet", "en_construction"]
STRENGTH_CATS = ["culture", "sport", "nature", "education", "commerce", "transport"]
STRENGTH_NAMES = {
    "culture": ["Festival d'été", "Médiathèque", "Musée du patrimoine", "Cinéma associatif"],
    "sport": ["Piscine intercommunale", "Club de rugby", "Salle d'escalade", "Stade municipal"],
    "nature": ["Sentier des crêtes", "Lac de baignade", "Forêt domaniale", "Voie verte"],
    "education": ["Groupe scolaire", "Collège public", "Crèche parentale", "Lycée agricole"],
    "commerce": ["Marché du samedi", "Épicerie coopérative", "Boulangerie bio", "Halle couverte"],
    "transport": ["Gare TER", "Ligne de car express", "Aire de covoiturage", "Navette à la demande"],
}
STRENGTH_TAGS = ["famille", "plein air", "patrimoine", "gastronomie", "randonnée",
                 "musique", "enfants", "accessible", "gratuit", "été", "hiver"]


# --------------------------------------------------------------------------
# Text generation
# --------------------------------------------------------------------------

def ascii_slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    out = []
    for ch in norm:
        if unicodedata.combining(ch):
            continue
        ch = ch.lower()
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    slug = "".join(out)
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.strip("-")


def communes(rng: random.Random, count: int = 500) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        r = rng.random()
        if r < 0.3:
            base = "Saint-" + rng.choice(SAINTS)
        elif r < 0.4:
            base = "Sainte-" + rng.choice(SAINTES)
        else:
            base = rng.choice(BASES)
        name = base + rng.choice(SUFFIXES)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


class Text:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def group(self) -> list[str]:
        r = self.rng
        words = [r.choice(DETS), r.choice(NOUNS)]
        if r.random() < 0.5:
            words.append(r.choice(ADJS))
        return words

    def sentence(self) -> list[str]:
        r = self.rng
        words = self.group() + r.choice(VERBS).split() + self.group()
        if r.random() < 0.7:
            words += r.choice(PREPS).split() + self.group()
        if r.random() < 0.3:
            words += r.choice(CONNECTORS).split() + self.group() + r.choice(VERBS).split() + self.group()
        return words

    @staticmethod
    def join(words: list[str]) -> str:
        s = " ".join(words)
        return s[0].upper() + s[1:] + "."

    def paragraph(self, target: int, bold: bool = False, link: str | None = None,
                  italic: bool = False) -> tuple[str, int]:
        """A paragraph of about `target` words; returns (markdown, word count)."""
        sentences: list[list[str]] = []
        n = 0
        while n < target or not sentences:
            s = self.sentence()
            sentences.append(s)
            n += len(s)
        if bold:
            s = self.rng.choice(sentences)
            i = self.rng.randrange(0, max(1, len(s) - 2))
            s[i] = "**" + s[i]
            s[i + 1] = s[i + 1] + "**"
        if italic:
            s = self.rng.choice(sentences)
            j = self.rng.randrange(len(s))
            if not s[j].startswith("**") and not s[j].endswith("**"):
                s[j] = "*" + s[j] + "*"
        text = " ".join(self.join(s) for s in sentences)
        if link:
            label = " ".join(self.group())
            text += f" Pour en savoir plus, consultez [{label}]({link})."
            n += len(label.split()) + 4
        return text, n

    def bullet_list(self, ordered: bool = False) -> tuple[str, int]:
        items, n = [], 0
        for k in range(self.rng.randint(3, 5)):
            w = self.group() + [self.rng.choice(ADJS)]
            if self.rng.random() < 0.5:
                w += self.rng.choice(PREPS).split() + self.group()
            text = " ".join(w)
            text = text[0].upper() + text[1:]
            if self.rng.random() < 0.25:
                text = "**" + text + "**"
            items.append(f"{k + 1}. {text}" if ordered else f"- {text}")
            n += len(w)
        return "\n".join(items), n

    def description(self, link: str) -> str:
        """100-300 words of Markdown: paragraphs, a list, a link, bold."""
        target = self.rng.randint(100, 300)
        p1, n1 = self.paragraph(int(target * 0.35), bold=True)
        lst, n2 = self.bullet_list()
        rest = max(10, target - n1 - n2)
        if rest > 60:
            p2, n3 = self.paragraph(rest // 2, link=link)
            p3, _ = self.paragraph(max(5, rest - n3), italic=True)
            return "\n\n".join([p1, lst, p2, p3])
        p2, _ = self.paragraph(rest, link=link)
        return "\n\n".join([p1, lst, p2])

    def page_body(self, link: str) -> str:
        """300-800 words of Markdown with headings, lists, a quote, links."""
        target = self.rng.randint(300, 800)
        blocks: list[str] = []
        p, n = self.paragraph(60, bold=True)
        blocks.append(p)
        headings = self.rng.sample(HEADINGS, 6)
        h = 0
        while n < target:
            blocks.append("## " + headings[h % len(headings)])
            h += 1
            p, k = self.paragraph(self.rng.randint(40, 90), bold=self.rng.random() < 0.5,
                                  link=link if h == 1 else None, italic=True)
            blocks.append(p)
            n += k
            r = self.rng.random()
            if r < 0.35:
                lst, k = self.bullet_list(ordered=self.rng.random() < 0.3)
                blocks.append(lst)
                n += k
            elif r < 0.5:
                q, k = self.paragraph(20)
                blocks.append("> " + q)
                n += k
        return "\n\n".join(blocks)


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------

def make_record(kind: str, rid: str, rng: random.Random, text: Text, towns: list[str]) -> dict:
    commune = rng.choice(towns)
    link = f"https://www.exemple.fr/{kind}/{rid}"
    if kind == "aids":
        k = rng.choice(AID_KINDS)
        rec = {
            "title": f"{AID_LABEL[k]} {rng.choice(AID_PURPOSE)} à {commune}",
            "commune": commune,
            "kind": k,
            "professions": sorted(rng.sample(PROFESSIONS, rng.randint(1, 3))),
            "amount_eur": rng.randrange(500, 50001, 100),
            "funder": rng.choice(FUNDERS),
        }
    elif kind == "housing":
        t = rng.choice(HOUSING_TYPES)
        furnished = rng.random() < 0.6
        rec = {
            "title": f"{HOUSING_LABEL[t]} {'meublé' if furnished else 'vide'} à {commune}",
            "commune": commune,
            "type": t,
            "furnished": furnished,
            "rent_eur": rng.randrange(150, 901, 5),
            "surface_m2": rng.randint(12, 120),
            "audience": rng.choice(AUDIENCES),
        }
    elif kind == "msu":
        rec = {
            "title": f"Maison de santé pluriprofessionnelle de {commune}",
            "commune": commune,
            "status": rng.choice(MSU_STATUS),
            "professionals_count": rng.randint(3, 40),
            "professions": sorted(rng.sample(PROFESSIONS, rng.randint(2, 5))),
            "has_vacancy": rng.random() < 0.4,
            "contact_email": f"contact@msp-{ascii_slug(commune)}.fr",
        }
    elif kind == "strengths":
        cat = rng.choice(STRENGTH_CATS)
        rec = {
            "title": f"{rng.choice(STRENGTH_NAMES[cat])} de {commune}",
            "commune": commune,
            "category": cat,
            "tags": sorted(rng.sample(STRENGTH_TAGS, rng.randint(1, 4))),
            "distance_km": rng.randint(0, 30),
        }
    else:
        raise ValueError(kind)
    rec["description"] = text.description(link)
    return rec


# --------------------------------------------------------------------------
# Serialisers (hand-written so gen.py needs nothing outside the stdlib)
# --------------------------------------------------------------------------

def q(s: str) -> str:
    """A double-quoted scalar; valid in both YAML and TOML."""
    return json.dumps(s, ensure_ascii=False)


def scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return q(v)
    if isinstance(v, list):
        return "[" + ", ".join(scalar(x) for x in v) + "]"
    raise TypeError(type(v))


def block(text: str, indent: str = "  ") -> str:
    return "\n".join((indent + line) if line else "" for line in text.split("\n"))


def record_yaml(rec: dict) -> str:
    out = []
    for k, v in rec.items():
        if k == "description":
            out.append("description: |\n" + block(v))
        else:
            out.append(f"{k}: {scalar(v)}")
    return "\n".join(out) + "\n"


def record_zola(rec: dict) -> str:
    out = ["+++", f"title = {q(rec['title'])}", "", "[extra]"]
    for k, v in rec.items():
        if k not in ("title", "description"):
            out.append(f"{k} = {scalar(v)}")
    out.append("+++")
    return "\n".join(out) + "\n" + rec["description"] + "\n"


def page_yaml(title: str, desc: str, body: str) -> str:
    return f"---\ntitle: {q(title)}\ndescription: {q(desc)}\n---\n\n{body}\n"


def page_zola(title: str, desc: str, body: str) -> str:
    return f"+++\ntitle = {q(title)}\ndescription = {q(desc)}\n+++\n\n{body}\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def copy_skeleton(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)



# --------------------------------------------------------------------------
# vitrine (the new generator): the same data in its own layout.
# Everything below is a pure function of the records generated above: it
# never draws from the random generator, so hugo/, eleventy/, zola/ and
# site/ are byte-identical with and without it.
# --------------------------------------------------------------------------

class Raw(str):
    """A YAML scalar written as is, unquoted (dates, plain words)."""


# Where vitrine's shipped territory data (communes.csv etc.) is read from.
def _territoire():
    """The communes for the vitrine site: $VITRINE_TERRITOIRE, else the shared data of the
    project next to this folder, else a project's content/territoire in the working directory."""
    if os.environ.get("VITRINE_TERRITOIRE"):
        return Path(os.environ["VITRINE_TERRITOIRE"])
    here = Path(__file__).resolve().parent
    for c in (here.parent / "data" / "seine-et-marne", here.parent / "shared" / "data" / "seine-et-marne",
              Path.cwd() / "content" / "territoire", Path.cwd() / ".." / "shared" / "data" / "seine-et-marne"):
        if (c / "communes.csv").exists():
            return c
    sys.exit("gen.py: no communes.csv found; set VITRINE_TERRITOIRE=<project>/content/territoire")


VITRINE_TERRITOIRE = None  # set in generate(): _territoire()
# Fixed so the output is deterministic; vitrine warns (never fails) when a
# record's mis_a_jour_le is older than 12 months (site.yaml fraicheur_mois).
VITRINE_DATE = Raw("2026-11-24")
VITRINE_KIND = {"aids": "aides", "housing": "logements", "msu": "stages",
                "strengths": "atouts"}

# Funders of the aids become organisation records (id, type, niveau of aid).
VITRINE_ORGS = {
    "ARS": ("ars", "ars", "regional"),
    "Région": ("region", "region", "regional"),
    "Département": ("departement", "departement", "departemental"),
    "Communauté de communes": ("communaute-de-communes", "epci", "intercommunal"),
    "Commune": ("commune", "commune", "communal"),
    "Assurance maladie": ("assurance-maladie", "cpam", "national"),
}
V_TYPE_AIDE = {"bourse": "bourse", "subvention": "subvention",
               "exoneration": "exoneration_fiscale", "contrat": "contrat_conventionnel"}
# No career stage in the generic data: derived from the kind of aid.
V_STADE = {"bourse": ["etudiant"], "subvention": ["primo_installation"],
           "exoneration": ["installe"], "contrat": ["primo_installation", "installe"]}
V_PROFESSION = {"kinesitherapeute": "masseur_kinesitherapeute"}  # others are identical
V_LOGEMENT_TYPE = {"studio": "studio", "t1": "residence", "t2": "colocation",
                   "t3": "colocation", "maison": "maison_des_internes",
                   "chambre": "chambre_chez_habitant"}
V_PUBLIC = {"interne": ["interne"], "externe": ["externe"], "remplacant": ["remplacant"],
            "stagiaire": ["etudiant_paramedical"],
            "tous": ["interne", "docteur_junior", "externe", "etudiant_paramedical", "remplacant"]}
V_STRUCTURE = {"ouverte": "msp_universitaire", "en_projet": "msp",
               "en_construction": "centre_sante"}
V_TYPE_STAGE = {"medecin_generaliste": "sn1", "infirmier": "externat",
                "kinesitherapeute": "stage_libre", "chirurgien_dentiste": "stage_libre",
                "sage_femme": "sante_femme", "pharmacien": "externat",
                "orthophoniste": "sante_enfant", "psychologue": "sn2_saspas"}
V_CATEGORIE = {"culture": "culture", "sport": "sport_loisirs", "nature": "nature",
               "education": "education_famille", "commerce": "emploi_conjoint",
               "transport": "transport"}


def real_communes() -> list[tuple[str, str]]:
    """(insee, name) of every row of vitrine's communes.csv, in file order."""
    import csv
    with open(VITRINE_TERRITOIRE / "communes.csv", encoding="utf-8", newline="") as f:
        rows = [(r["insee"], r["name"]) for r in csv.DictReader(f)]
    if not rows:
        raise SystemExit(f"gen.py: no commune in {VITRINE_TERRITOIRE}/communes.csv")
    return rows


def plain_summary(markdown: str, limit: int = 160) -> str:
    """The plain text of the description's first paragraph, cut at a word
    boundary to `limit` characters (what the peers' list pages show)."""
    first = markdown.split("\n\n", 1)[0]
    text = first.replace("**", "").replace("*", "")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def dedupe(xs: list[str]) -> list[str]:
    out: list[str] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def vscalar(v) -> str:
    return str(v) if isinstance(v, Raw) else scalar(v)


def vitrine_yaml(fields: list[tuple[str, object]]) -> str:
    """YAML for one vitrine record; values: str, int, bool, list, or a list
    of (key, value) pairs for a nested mapping, or a list of such lists."""
    out = []
    for k, v in fields:
        if k == "description":
            out.append("description: |\n" + block(v))
        elif isinstance(v, list) and v and isinstance(v[0], tuple):
            out.append(f"{k}:")
            out.extend(f"  {kk}: {vscalar(vv)}" for kk, vv in v)
        elif isinstance(v, list) and v and isinstance(v[0], list):
            out.append(f"{k}:")
            for item in v:
                for j, (kk, vv) in enumerate(item):
                    out.append(f"  {'- ' if j == 0 else '  '}{kk}: {vscalar(vv)}")
        else:
            out.append(f"{k}: {vscalar(v)}")
    return "\n".join(out) + "\n"


def vitrine_record(kind: str, rid: str, rec: dict, insee: str, name: str) -> str:
    town = rec["commune"]
    assert rec["title"].endswith(town), (rec["title"], town)
    title = rec["title"][: len(rec["title"]) - len(town)] + name
    link = f"https://www.exemple.fr/{kind}/{rid}"
    meta = [
        ("statut", "publie"),
        ("mis_a_jour_le", VITRINE_DATE),
        ("sources", [[("titre", f"Fiche {rid} (données de synthèse du banc d'essai)"),
                      ("url", link), ("consulte_le", VITRINE_DATE)]]),
    ]
    if kind == "aids":
        org, _type, niveau = VITRINE_ORGS[rec["funder"]]
        f = [("titre", title),
             ("resume", plain_summary(rec["description"])),
             ("financeur", org),
             ("niveau", niveau),
             ("type_aide", [V_TYPE_AIDE[rec["kind"]]]),
             ("beneficiaires", [V_PROFESSION.get(p, p) for p in rec["professions"]]),
             ("stade", V_STADE[rec["kind"]]),
             ("montant", [("max", rec["amount_eur"]), ("unite", "eur")])]
    elif kind == "housing":
        f = [("nom", title),
             ("type", V_LOGEMENT_TYPE[rec["type"]]),
             ("commune_insee", insee),
             ("meuble", rec["furnished"]),
             ("loyer_mensuel_eur", rec["rent_eur"]),
             ("public", V_PUBLIC[rec["audience"]]),
             ("finance_par_collectivite", False)]
    elif kind == "msu":
        f = [("nom", title),
             ("type_structure", V_STRUCTURE[rec["status"]]),
             ("commune_insee", insee),
             ("capacite_par_semestre", rec["professionals_count"]),
             ("types_stage", dedupe([V_TYPE_STAGE[p] for p in rec["professions"]])),
             ("voiture_necessaire", rec["has_vacancy"])]
    elif kind == "strengths":
        f = [("titre", title),
             ("categorie", V_CATEGORIE[rec["category"]]),
             ("resume", plain_summary(rec["description"])),
             ("communes", [insee]),
             ("chiffres", [[("valeur", f"{rec['distance_km']} km"),
                            ("libelle", "distance au centre du bourg"),
                            ("source", "données de synthèse du banc d'essai")]])]
    else:
        raise ValueError(kind)
    return vitrine_yaml(f + [("description", rec["description"])] + meta)


def vitrine_site_yaml() -> str:
    return f"""# Generated by gen.py (vitrine's site settings, docs/champs.md)
titre: {q(SITE['title'])}
description: "Données de synthèse pour mesurer la vitesse de construction des générateurs de sites."
url_base: {SITE['base_url']}
langue: {SITE['language']}
departement:
  code: "77"
  nom: Seine-et-Marne
editeur:
  nom: Banc d'essai
  adresse: "1 rue de l'Exemple, 77000 Melun"
  telephone: 01 00 00 00 00
  directeur_publication: Le responsable du banc d'essai
hebergeur:
  nom: Hébergeur d'exemple
  adresse: "2 rue de l'Exemple, 77000 Melun"
  telephone: 01 00 00 00 01
navigation:
  - titre: Aides
    lien: "@/aides"
  - titre: Logements
    lien: "@/logements"
  - titre: Stages
    lien: "@/stages"
  - titre: Atouts
    lien: "@/atouts"
licence_donnees:
  nom: Licence Ouverte / Open Licence 2.0 (Etalab)
  url: https://www.etalab.gouv.fr/licence-ouverte-open-licence/
"""


def vitrine_org_yaml(label: str, org_type: str) -> str:
    return vitrine_yaml([
        ("nom", label),
        ("type", org_type),
        ("description", f"Financeur des aides de synthèse ({label})."),
        ("statut", "publie"),
        ("mis_a_jour_le", VITRINE_DATE),
        ("sources", [[("titre", f"{label} (données de synthèse du banc d'essai)"),
                      ("url", "https://www.exemple.fr/organisations"),
                      ("consulte_le", VITRINE_DATE)]]),
    ])


def vitrine_page(title: str, desc: str, body: str) -> str:
    return f"---\ntitre: {q(title)}\ndescription: {q(desc)}\n---\n\n{body}\n"


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def default_pages(n: int) -> int:
    return max(min(n // 5, 200), n // 10, 1)


def generate(n: int, m: int, seed: int, out: Path) -> dict:
    global VITRINE_TERRITOIRE
    VITRINE_TERRITOIRE = _territoire()
    rng = random.Random(seed)
    text = Text(rng)
    towns = communes(rng)

    if out.exists():
        shutil.rmtree(out)
    site, hugo, ele, zola = (out / p for p in ("site", "hugo", "eleventy", "zola"))
    vit = out / "vitrine"
    # The generated commune names map one-to-one, in order, onto the real
    # communes of vitrine's communes.csv (500 of its 507 rows).
    real = real_communes()
    if len(real) < len(towns):
        raise SystemExit(f"gen.py: {len(real)} communes in communes.csv, need {len(towns)}")
    town_real = {t: real[i] for i, t in enumerate(towns)}
    vit_communes: set[str] = set()
    vit_check: list[str] = []

    # Skeletons (templates and configuration written by hand, in peers/).
    copy_skeleton(PEERS / "new", site)
    copy_skeleton(PEERS / "hugo", hugo)
    copy_skeleton(PEERS / "eleventy", ele)
    copy_skeleton(PEERS / "zola", zola)
    shutil.copytree(VITRINE_TERRITOIRE, vit / "content/territoire")

    # Site-wide settings.
    write(site / "content/site.yaml",
          "".join(f"{k}: {q(v)}\n" for k, v in SITE.items()))
    write(vit / "content/site.yaml", vitrine_site_yaml())
    for label, (oid, otype, _niveau) in VITRINE_ORGS.items():
        write(vit / f"content/organisations/{oid}.yaml", vitrine_org_yaml(label, otype))
    write(ele / "src/_data/site.yaml",
          "".join(f"{k}: {q(v)}\n" for k, v in SITE.items()))
    write(hugo / "hugo.yaml", "\n".join([
        "# Generated by gen.py",
        f"baseURL: {q(SITE['base_url'])}",
        f"title: {q(SITE['title'])}",
        f"locale: {q(SITE['language'])}",
        f"defaultContentLanguage: {q(SITE['language'])}",
        "# Equal work: no RSS, sitemap, robots.txt, 404 page or taxonomies.",
        "disableKinds: [rss, sitemap, robotsTXT, 404, taxonomy, term]",
        "disableHugoGeneratorInject: true",
        "",
    ]))
    write(zola / "config.toml", "\n".join([
        "# Generated by gen.py",
        f"base_url = {q(SITE['base_url'].rstrip('/'))}",
        f"title = {q(SITE['title'])}",
        f"default_language = {q(SITE['language'])}",
        "# Equal work: no Sass, search index, feeds, sitemap, robots.txt or minification.",
        "compile_sass = false",
        "build_search_index = false",
        "generate_feeds = false",
        "generate_sitemap = false",
        "generate_robots_txt = false",
        "minify_html = false",
        "",
    ]))

    # Records.
    vit_pairs: set[tuple[str, str]] = set()   # (profession, stade) of aids in force
    for kind in KINDS:
        for i in range(1, n + 1):
            rid = f"{ID_PREFIX[kind]}-{i:05d}"
            rec = make_record(kind, rid, rng, text, towns)
            y = record_yaml(rec)
            write(site / f"content/{kind}/{rid}.yaml", y)
            write(hugo / f"data/{kind}/{rid}.yaml", y)
            write(ele / f"src/_data/{kind}/{rid}.yaml", y)
            write(zola / f"content/{kind}/{rid}.md", record_zola(rec))
            insee, name = town_real[rec["commune"]]
            write(vit / f"content/{VITRINE_KIND[kind]}/{rid}.yaml",
                  vitrine_record(kind, rid, rec, insee, name))
            if kind != "aids":   # aids have no commune field in vitrine
                vit_communes.add(insee)
            else:                # every generated aid is published, so in force
                for p in rec["professions"]:
                    vit_pairs.update((V_PROFESSION.get(p, p), s) for s in V_STADE[rec["kind"]])
            if i == 1:
                vit_check.append(f"{kind}\t{VITRINE_KIND[kind]}\t{rid}\t{name}\n")

    # Markdown pages.
    for i in range(1, m + 1):
        title = f"{rng.choice(PAGE_TOPICS)} : {' '.join(text.group())} à {rng.choice(towns)}"
        slug = f"{ascii_slug(title)[:60].strip('-')}-{i:04d}"
        desc = Text.join(text.sentence())
        body = text.page_body(f"https://www.exemple.fr/pages/{slug}")
        y = page_yaml(title, desc, body)
        write(site / f"content/pages/{slug}.md", y)
        write(hugo / f"content/pages/{slug}.md", y)
        write(ele / f"src/pages/{slug}.md", y)
        write(zola / f"content/pages/{slug}.md", page_zola(title, desc, body))
        write(vit / f"content/pages/{slug}.md", vitrine_page(title, desc, body))

    # Eleventy resolves its packages from the shared install in tools/eleventy.
    nm = BENCH / "tools/eleventy/node_modules"
    os.symlink(os.path.relpath(nm, ele), ele / "node_modules")

    # Expected output: one page per record, one list page per kind, one page
    # per Markdown page, the home page.
    expected = 4 * n + 4 + m + 1
    # vitrine writes more pages from the same content: the 4N records and
    # the M pages (at /<slug>/), a home page, 6 lists (the 4 kinds plus
    # organisations and evenements), the 6 organisation records, 7 "Je
    # suis..." profile pages (one per career stage, aids/profil/<stade>/),
    # the printable guide (guide/), the commune index (communes/) and one
    # page per commune of communes.csv, 404.html, one
    # page per profession an aid names (aides/profession/<p>/) and one per
    # profession x stage when the profession has aids at several stages,
    # the site map (plan-du-site/), the search page (recherche/), the
    # map of the territory (carte/), the housing census page
    # (proposer-un-logement/) and the open-data page (donnees/).
    professions = {p for p, _ in vit_pairs}
    stages_of = {p: sum(1 for q, _ in vit_pairs if q == p) for p in professions}
    pair_pages = sum(c for c in stages_of.values() if c > 1)
    vit_expected = (4 * n + m + 1 + 6 + len(VITRINE_ORGS) + 7 + 1 + 1
                    + len(real_communes()) + 1
                    + len(professions) + pair_pages + 1 + 1 + 1 + 1 + 1)
    write(out / "expected.env",
          f"N={n}\nM={m}\nSEED={seed}\nEXPECTED_HTML={expected}\n"
          f"VITRINE_EXPECTED_HTML={vit_expected}\nVITRINE_COMMUNE_PAGES={len(real_communes())}\n")
    # For run.sh's content check of vitrine: kind, vitrine dir, first id, commune.
    write(out / "vitrine-check.tsv", "".join(vit_check))
    return {"n": n, "m": m, "expected_html": expected, "vitrine_expected_html": vit_expected}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="records per kind")
    ap.add_argument("--pages", "-m", type=int, default=None, help="number of Markdown pages")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args(argv)
    if a.n < 1:
        ap.error("N must be >= 1")
    m = a.pages if a.pages is not None else default_pages(a.n)
    out = a.out or (BENCH / "sites" / f"n{a.n}")
    info = generate(a.n, m, a.seed, out.resolve())
    print(f"generated {out}: {4 * a.n} records, {m} pages, expect {info['expected_html']} HTML pages"
          f" ({info['vitrine_expected_html']} for vitrine)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
