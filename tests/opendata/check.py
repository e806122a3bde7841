"""Relit les agendas, le fil Atom, le plan du site et les données ouvertes
d'un site construit par vitrine, comme le feraient leurs réutilisateurs.

Usage : check.py <dossier de sortie> <dossier content> <url de base>
"""

import datetime
import pathlib
import sys
import xml.etree.ElementTree as ET
import zoneinfo

import icalendar
import yaml

out, content, base = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
failures = []


def fail(message):
    failures.append(message)


def shown(kind):
    """The records of a kind the site shows, by id."""
    records = {}
    for path in sorted((content / kind).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("statut") != "brouillon":
            records[path.stem] = data
    return records


def site_file(url):
    """The output file an absolute URL of the site stands for."""
    if not url.startswith(base):
        return None
    rel = url[len(base):]
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


# Calendars: every shown event with a start has its file, parsed back to
# the same title, place and instant; the agenda holds them all.
paris = zoneinfo.ZoneInfo("Europe/Paris")
events = {k: v for k, v in shown("evenements").items() if v.get("debut")}
seen = set()
for ics in sorted(out.rglob("*.ics")):
    raw = ics.read_bytes()
    for line in raw.split(b"\r\n")[:-1]:
        if len(line) > 75:
            fail(f"{ics}: ligne de {len(line)} octets")
        if b"\n" in line:
            fail(f"{ics}: fin de ligne sans CR")
    cal = icalendar.Calendar.from_ical(raw)
    vevents = list(cal.walk("VEVENT"))
    if not vevents:
        fail(f"{ics}: aucun VEVENT")
    for ev in vevents:
        for prop in ("DTSTART", "UID", "DTSTAMP", "SUMMARY"):
            if prop not in ev:
                fail(f"{ics}: {prop} manquant")
        uid = str(ev.get("UID", ""))
        eid = uid.split("@")[0]
        record = events.get(eid)
        if record is None:
            fail(f"{ics}: {uid} ne correspond à aucun événement daté")
            continue
        seen.add(eid)
        if str(ev["SUMMARY"]) != record["titre"]:
            fail(f"{ics}: SUMMARY {ev['SUMMARY']!r} au lieu de {record['titre']!r}")
        start = record["debut"]
        if isinstance(start, str):
            start = datetime.datetime.fromisoformat(start)
        expected = start.replace(tzinfo=paris).astimezone(datetime.timezone.utc)
        if ev.decoded("DTSTART") != expected:
            fail(f"{ics}: DTSTART {ev.decoded('DTSTART')} au lieu de {expected}")
        if record.get("lieu") and not str(ev.get("LOCATION", "")).startswith(record["lieu"]):
            fail(f"{ics}: LOCATION {ev.get('LOCATION')!r}")
        if str(ev.get("URL", "")) != f"{base}evenements/{eid}/":
            fail(f"{ics}: URL {ev.get('URL')!r} hors de {base}")
for eid in events:
    if not (out / "evenements" / eid / f"{eid}.ics").exists():
        fail(f"événement daté {eid} sans fichier .ics")
if set(events) != seen:
    fail(f"événements datés absents des agendas : {set(events) - seen}")
agenda = out / "evenements" / "agenda.ics"
if events:
    count = len(list(icalendar.Calendar.from_ical(agenda.read_bytes()).walk("VEVENT")))
    if count != len(events):
        fail(f"agenda.ics : {count} événements au lieu de {len(events)}")
elif agenda.exists():
    fail("agenda.ics sans événement daté")

# The Atom feed.
ns = {"a": "http://www.w3.org/2005/Atom"}
feed = ET.parse(out / "atom.xml").getroot()
for tag in ("id", "title", "updated"):
    if len(feed.findall(f"a:{tag}", ns)) != 1:
        fail(f"atom.xml : il faut exactement un <{tag}>")
self_link = feed.find("a:link[@rel='self']", ns)
if self_link is None or self_link.get("href") != base + "atom.xml":
    fail("atom.xml : lien rel=self absent ou faux")
ids = []
for entry in feed.findall("a:entry", ns):
    eid = entry.findtext("a:id", None, ns)
    updated = entry.findtext("a:updated", None, ns)
    link = entry.find("a:link[@rel='alternate']", ns)
    if not eid or not updated or link is None:
        fail(f"atom.xml : entrée incomplète {eid}")
        continue
    datetime.datetime.fromisoformat(updated)
    ids.append(eid)
    target = site_file(link.get("href"))
    if target is None or not target.exists():
        fail(f"atom.xml : {link.get('href')} ne mène à aucune page du site")
if not ids or len(ids) != len(set(ids)):
    fail("atom.xml : entrées absentes ou en double")

# The sitemap: every record's page has its check date.
sm = ET.parse(out / "sitemap.xml").getroot()
sm_ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
dates = {}
for url in sm.findall("s:url", sm_ns):
    lastmod = url.findtext("s:lastmod", None, sm_ns)
    if lastmod is not None:
        dates[url.findtext("s:loc", None, sm_ns)] = datetime.date.fromisoformat(lastmod)
for kind in ("aides", "logements", "stages", "atouts", "organisations", "evenements"):
    for rid, record in shown(kind).items():
        loc = f"{base}{kind}/{rid}/"
        if dates.get(loc) != record["mis_a_jour_le"]:
            fail(f"sitemap.xml : {loc} lastmod {dates.get(loc)} au lieu de {record['mis_a_jour_le']}")

# No supervisor's name in the open data, consent or not.
names = [m["nom"] for s in shown("stages").values() for m in s.get("msu") or []]
for f in sorted((out / "donnees").iterdir()):
    body = f.read_text(encoding="utf-8")
    for name in names:
        if name in body:
            fail(f"{f.name} contient le nom d'un maître de stage")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(
    f"{out.name} : {len(seen)} événement(s) daté(s) relu(s) par icalendar, "
    f"{len(ids)} entrée(s) Atom, {len(names)} nom(s) de maître de stage absent(s) des exports"
)
