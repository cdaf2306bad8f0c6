"""Generated variants of a release, for benchmarks and scale tests: new names, figures and dates.

Why variants and not copies: with a thousand identical releases retrieval could not be wrong; with names,
figures and dates changed in every copy, a question naming one drug must find that drug's release.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

_PRE = [
    "Zor",
    "Vel",
    "Quin",
    "Tra",
    "Mel",
    "Dax",
    "Lun",
    "Fer",
    "Sol",
    "Kar",
    "Pex",
    "Ril",
    "Nov",
    "Tav",
    "Bri",
    "Cel",
    "Gor",
    "Hal",
    "Jex",
    "Lor",
    "Mir",
    "Nex",
    "Ost",
    "Pyr",
    "Rox",
    "Syl",
    "Tor",
    "Ulv",
    "Vex",
    "Wyn",
]
_MID = ["a", "e", "i", "o", "u", "ae", "io", "ea", "ou", "y"]
_SUF = ["tex", "vir", "lix", "mab", "tinib", "zor", "quel", "dra", "vance", "rix", "lon", "sta", "pro", "ven"]
_COMPANIES = [
    "Acme",
    "Borealis",
    "Cygnet",
    "Dorado",
    "Eridani",
    "Fornax",
    "Galena",
    "Hydra",
    "Indus",
    "Juno",
    "Kepler",
    "Lyra",
    "Mensa",
    "Norma",
    "Orion",
    "Pavo",
    "Quasar",
    "Regulus",
    "Sirius",
    "Tucana",
]
FIGURES = [
    "13.8",
    "4.4",
    "0.23",
    "0.12",
    "0.42",
    "10.2",
    "8.4",
    "3.9",
    "0.38",
    "0.25",
    "0.59",
    "298",
    "27%",
    "68%",
    "55%",
    "23%",
    "65",
]


def names(i: int) -> dict[str, str]:
    a, b = divmod(i, len(_PRE))
    b2, c = divmod(a, len(_SUF))
    stem = _PRE[b] + _MID[b2 % len(_MID)] + _SUF[c]
    stem += "" if i < len(_PRE) * len(_SUF) * len(_MID) else str(i)
    company = _COMPANIES[i % len(_COMPANIES)] + ("" if i < len(_COMPANIES) else f" Bio{i // len(_COMPANIES)}")
    return {
        "brand": stem.capitalize(),
        "generic": (stem[:-1] if stem.endswith("x") else stem).lower() + "anib",
        "trial": (stem[:3] + "NET" + str(i % 97)).upper(),
        "company": company,
        "code": f"A{100000 + i:06d}",
    }


def variant(text: str, i: int) -> tuple[str, dict[str, str]]:
    """The release rewritten for variant ``i``; ``i == 0`` keeps names but is still a distinct document."""
    rng = random.Random(i)
    n = names(i)
    figs = {}
    for f in FIGURES:
        pct = f.endswith("%")
        base = float(f.rstrip("%"))
        if "." not in f:
            new = str(max(2, int(base * rng.uniform(0.5, 1.8))))
        elif base >= 1:
            new = f"{base * rng.uniform(0.5, 1.8):.1f}"
        else:
            new = f"{min(0.95, base * rng.uniform(0.5, 1.8)):.2f}"
        figs[f] = new + ("%" if pct else "")
    day = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 2200))
    out = text
    # One pass over all figures, so a replaced figure is never replaced again.
    pattern = re.compile(
        "|".join(rf"(?<![\d.]){re.escape(f)}(?![\d%])" for f in sorted(figs, key=len, reverse=True))
    )
    out = pattern.sub(lambda m: figs[m.group(0)], out)
    for old, new in [
        ("Cabometyx", n["brand"]),
        ("cabozantinib", n["generic"]),
        ("CABozantinib", n["generic"]),
        ("CABINET", n["trial"]),
        ("Ipsen", n["company"]),
        ("IPSEY", "ADR" + str(i)),
        ("A021602", n["code"]),
        ("June 20, 2025", day.strftime("%B %d, %Y").replace(" 0", " ")),
        ("JUN 20, 2025", day.strftime("%b %d, %Y").upper().replace(" 0", " ")),
        ("SID1234654020", f"SID{1000000000 + i}"),
    ]:
        out = out.replace(old, new)
    meta = {**n, "date": day.isoformat(), **{f"fig:{k}": v for k, v in figs.items()}}
    return out, meta


def write_corpus(release: Path, folder: Path, count: int) -> list[dict[str, str]]:
    """``count`` variants under ``folder`` (sub-folders of 100), returning each one's names and figures."""
    text = release.read_text(encoding="utf-8")
    metas = []
    for i in range(count):
        body, meta = variant(text, i)
        sub = folder / f"batch{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        name = f"{meta['company'].split()[0].lower()}-{meta['brand'].lower()}-{meta['date']}.txt"
        (sub / name).write_text(body, encoding="utf-8")
        meta["source"] = f"{sub.name}/{name}"
        metas.append(meta)
    return metas
