#!/usr/bin/env python3
"""Markdown tables from bench/run.sh's raw data (standard library only).

Usage:  python3 bench/report.py bench/out/raw-<stamp>.tsv

One table per N (medians of the successful runs of each command: wall, CPU,
peak RSS and the time of each stage from `--timings`), then the ratios
between successive N per command and per stage. A ratio above 1.1 × the step
in N is marked ⚠ (superlinear), unless the larger time is under MIN_FLAG_S
(such short stages are mostly noise).
"""

from __future__ import annotations

import csv
import statistics
import sys

# Stage order of `--timings`; any other stage follows, in order of appearance.
STAGE_ORDER = ["load", "validate", "plan", "model", "render", "pdf", "render+pdf", "write", "total"]
COMMAND_LABEL = {"build": "build", "check": "check", "build-no-pdf": "build --no-pdf"}
MIN_FLAG_S = 0.05
SLACK = 1.1


def fmt(v: float | None) -> str:
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def main(path: str) -> int:
    rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"))
    if not rows:
        print("(no run recorded)")
        return 0
    ns = sorted({int(r["n"]) for r in rows})
    commands = list(dict.fromkeys(r["command"] for r in rows))
    seen: list[str] = []
    for r in rows:
        for kv in filter(None, r["stages"].split(",")):
            k = kv.split("=", 1)[0]
            if k not in seen:
                seen.append(k)
    stages = [s for s in STAGE_ORDER if s in seen and s != "total"]
    stages += [s for s in seen if s not in STAGE_ORDER]
    if "total" in seen:
        stages.append("total")

    # med[(n, command)] = {"wall":…, "cpu":…, "rss":…, stage: …} or None if no run succeeded.
    med: dict[tuple[int, str], dict[str, float] | None] = {}
    failed: dict[tuple[int, str], list[str]] = {}
    info: dict[int, tuple[int, int]] = {}
    for n in ns:
        for c in commands:
            rs = [r for r in rows if int(r["n"]) == n and r["command"] == c]
            if not rs:
                continue
            info[n] = (int(rs[0]["m"]), int(rs[0]["html"]))
            ok = [r for r in rs if r["exit"] == "0"]
            failed[(n, c)] = [r["exit"] for r in rs if r["exit"] != "0"]
            if not ok:
                med[(n, c)] = None
                continue
            m = {
                "wall": statistics.median(float(r["wall_s"]) for r in ok),
                "min": min(float(r["wall_s"]) for r in ok),
                "max": max(float(r["wall_s"]) for r in ok),
                "cpu": statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in ok),
                "rss": statistics.median(int(r["maxrss_kb"]) / 1024 for r in ok),
                "other": max(float(r["other_cpu_s"]) for r in ok),
                "runs": len(ok),
            }
            for s in stages:
                vals = [float(kv.split("=", 1)[1]) for r in ok
                        for kv in filter(None, r["stages"].split(",")) if kv.split("=", 1)[0] == s]
                if vals:
                    m[s] = statistics.median(vals)
            med[(n, c)] = m

    for n in ns:
        m_pages, html = info[n]
        print(f"**N={n}**: {4 * n} records + {m_pages} Markdown pages, {html} HTML pages")
        print()
        print("| command | runs | wall | min–max | CPU | peak RSS (MiB) | other load (CPU s, max) | "
              + " | ".join(stages) + " |")
        print("|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(stages))
        for c in commands:
            if (n, c) not in med:
                continue
            m = med[(n, c)]
            label = COMMAND_LABEL.get(c, c)
            fails = failed[(n, c)]
            if m is None:
                print(f"| {label} | failed (exit {', '.join(fails)}) |" + " |" * (5 + len(stages)))
                continue
            runs = f"{m['runs']}" + (f" (+{len(fails)} failed, exit {', '.join(fails)})" if fails else "")
            print(f"| {label} | {runs} | {fmt(m['wall'])} | {fmt(m['min'])}–{fmt(m['max'])} | "
                  f"{fmt(m['cpu'])} | {m['rss']:.0f} | {m['other']:.2f} | "
                  + " | ".join(fmt(m.get(s)) for s in stages) + " |")
        print()

    pairs = list(zip(ns, ns[1:]))
    if pairs:
        print(f"**Ratios between successive N** (medians; ⚠ = more than {SLACK} × the step in N, "
              f"times under {MIN_FLAG_S} s at the larger N not marked)")
        print()
        print("| N step | command | wall | CPU | peak RSS | " + " | ".join(stages) + " |")
        print("|---|---|---:|---:|---:|" + "---:|" * len(stages))
        for a, b in pairs:
            step = b / a
            for c in commands:
                ma, mb = med.get((a, c)), med.get((b, c))
                label = COMMAND_LABEL.get(c, c)
                if not ma or not mb:
                    print(f"| {b}/{a} (×{step:g}) | {label} | – | – | – |" + " – |" * len(stages))
                    continue

                def ratio(key: str, is_time: bool = True) -> str:
                    x, y = ma.get(key), mb.get(key)
                    if x is None or y is None or x <= 0:
                        return "–"
                    q = y / x
                    flag = q > SLACK * step and (not is_time or y >= MIN_FLAG_S)
                    return f"{q:.1f}" + (" ⚠" if flag else "")

                print(f"| {b}/{a} (×{step:g}) | {label} | {ratio('wall')} | {ratio('cpu')} | "
                      f"{ratio('rss', False)} | " + " | ".join(ratio(s) for s in stages) + " |")
        print()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    sys.exit(main(sys.argv[1]))
