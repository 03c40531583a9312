"""The population of units of each programme: pps'en, werkplaatsen, schools and parents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mel.demo.places import BY_NAME, PROVINCES, REGION_CODES, draw_provinces, spread_provinces, town


@dataclass
class UnitDraft:
    """A unit before it is stored, with hidden traits that drive its answers."""

    code: str
    name: str
    kind: str
    province: str | None = None
    region: str | None = None
    sector: str | None = None
    stratum: str | None = None
    parent: str | None = None
    in_frame: bool = True
    traits: dict[str, Any] = field(default_factory=dict)


def _mean_one(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    """Lognormal multipliers with mean exactly 1 over the `n` draws."""
    values = rng.lognormal(0.0, sigma, size=n)
    return values / values.mean()


KATAPULT_SECTORS = {
    "techniek_ict": ("Techniek & ICT", 0.27),
    "zorg_welzijn": ("Zorg & Welzijn", 0.14),
    "agri_food": ("Agri & Food", 0.10),
    "energie_duurzaamheid": ("Energietransitie", 0.09),
    "bouw_infra": ("Bouw & Infra", 0.08),
    "logistiek": ("Logistiek", 0.07),
    "creatieve_industrie": ("Creatieve Industrie", 0.05),
    "water_maritiem": ("Maritiem", 0.04),
    "chemie_life_sciences": ("Life Sciences", 0.05),
    "handel_dienstverlening": ("Handel & Dienstverlening", 0.05),
    "toerisme_horeca": ("Gastvrijheid", 0.03),
    "veiligheid": ("Veiligheid", 0.03),
}
HIP_THEMES = (
    "Smart Industry",
    "Zorgtechnologie",
    "Energietransitie",
    "Bouw & Techniek",
    "Digitalisering",
    "Agrifood",
    "Logistiek",
    "Maritiem",
    "Chemie",
    "Mobiliteit",
    "Water",
    "Creatieve Techniek",
    "Cybersecurity",
    "Circulaire Economie",
    "Installatietechniek",
)


def katapult_units(rng: np.random.Generator) -> list[UnitDraft]:
    """450 pps'en in mbo/hbo strata by landsdeel, 90 of them in 15 High Impact consortia."""
    n = 450
    levels = rng.choice(["mbo", "hbo", "mbo_hbo"], size=n, p=[0.5, 0.3, 0.2])
    provinces = draw_provinces(rng, n)
    codes = list(KATAPULT_SECTORS)
    shares = np.array([KATAPULT_SECTORS[c][1] for c in codes])
    sectors = rng.choice(len(codes), size=n, p=shares / shares.sum())
    size, teachers, companies = (_mean_one(rng, n, s) for s in (1.0, 0.35, 0.5))
    sme = rng.beta(12, 7, size=n)
    effect = rng.normal(size=n)
    start = rng.choice(np.arange(2011, 2024), size=n)
    units = []
    for i in range(n):
        prov, level, sector = provinces[i], str(levels[i]), codes[int(sectors[i])]
        kind = {"mbo": "Pps", "hbo": "Centre of Expertise", "mbo_hbo": "Pps"}[level]
        units.append(
            UnitDraft(
                code=f"pps-{i + 1:03d}",
                kind="pps",
                name=f"{kind} {KATAPULT_SECTORS[sector][0]} {town(rng, prov)}",
                province=prov.name,
                region=prov.region,
                sector=sector,
                stratum=f"{level.replace('_', '-')}-{REGION_CODES[prov.region]}",
                traits={
                    "level": level,
                    "size": size[i],
                    "teachers": teachers[i],
                    "companies": companies[i],
                    "sme": sme[i],
                    "effect": effect[i],
                    "start": int(start[i]),
                },
            )
        )
    members = rng.choice(n, size=90, replace=False)
    consortia = []
    for c, theme in enumerate(HIP_THEMES):
        group = members[6 * c : 6 * c + 6]
        lead = units[int(group[0])]
        code = f"hip-{c + 1:02d}"
        consortia.append(
            UnitDraft(
                code=code,
                name=f"High Impact pps {theme}",
                kind="consortium",
                province=lead.province,
                region=lead.region,
                sector=lead.sector,
                in_frame=False,
            )
        )
        for i in group:
            units[int(i)].parent = code
    return consortia + units


WERKPLAATSEN = (
    ("groningen", "Groningen", "Groningen", "hbo"),
    ("friesland", "Friesland", "Leeuwarden", "mbo"),
    ("drenthe", "Drenthe", "Emmen", "mbo"),
    ("zwolle", "Overijssel", "Zwolle", "mbo_hbo"),
    ("twente", "Overijssel", "Enschede", "hbo"),
    ("stedendriehoek", "Gelderland", "Apeldoorn", "mbo"),
    ("arnhem-nijmegen", "Gelderland", "Nijmegen", "hbo"),
    ("flevoland", "Flevoland", "Almere", "mbo"),
    ("utrecht", "Utrecht", "Utrecht", "hbo"),
    ("amersfoort", "Utrecht", "Amersfoort", "mbo"),
    ("amsterdam", "Noord-Holland", "Amsterdam", "hbo"),
    ("haarlem", "Noord-Holland", "Haarlem", "mbo"),
    ("noord-holland-noord", "Noord-Holland", "Alkmaar", "mbo_hbo"),
    ("rotterdam", "Zuid-Holland", "Rotterdam", "hbo"),
    ("den-haag", "Zuid-Holland", "Den Haag", "mbo"),
    ("drechtsteden", "Zuid-Holland", "Dordrecht", "mbo"),
    ("zeeland", "Zeeland", "Middelburg", "mbo_hbo"),
    ("eindhoven", "Noord-Brabant", "Eindhoven", "hbo"),
    ("west-brabant", "Noord-Brabant", "Breda", "mbo"),
    ("limburg", "Limburg", "Venlo", "mbo_hbo"),
)


def werkplaats_units(rng: np.random.Generator) -> list[UnitDraft]:
    """The 20 Digitale Werkplaatsen, stratified by landsdeel."""
    size = _mean_one(rng, len(WERKPLAATSEN), 0.5)
    effect = rng.normal(size=len(WERKPLAATSEN))
    units = []
    for i, (slug, province, place, host) in enumerate(WERKPLAATSEN):
        region = BY_NAME[province].region
        units.append(
            UnitDraft(
                code=f"dw-{slug}",
                name=f"Digitale Werkplaats {place}",
                kind="werkplaats",
                province=province,
                region=region,
                sector=host,
                stratum=REGION_CODES[region],
                traits={"size": size[i], "effect": effect[i]},
            )
        )
    return units


SCHOOL_WORDS = (
    "Regenboog",
    "Wegwijzer",
    "Klimop",
    "Vlinder",
    "Horizon",
    "Ster",
    "Kompas",
    "Linde",
    "Esch",
    "Wilg",
    "Duinen",
    "Akker",
    "Tweemaster",
    "Sprong",
    "Zonnewijzer",
)
SECONDARY_NAMES = ("College", "Lyceum", "Scholengemeenschap", "Campus")


def school_units(rng: np.random.Generator) -> list[UnitDraft]:
    """About 300 po/vo/so schools in 12 province strata, under 12 Techkwadraat regions."""
    n = 300
    provinces = spread_provinces(rng, n, minimum=8)
    sectors = rng.choice(["po", "vo", "so"], size=n, p=[0.62, 0.33, 0.05])
    median = {"po": 210.0, "vo": 950.0, "so": 110.0}
    effect = rng.normal(size=n)
    units = [
        UnitDraft(
            code=f"regio-{p.code}",
            name=f"Techkwadraat-regio {p.name}",
            kind="region",
            province=p.name,
            region=p.region,
            in_frame=False,
        )
        for p in PROVINCES
    ]
    for i in range(n):
        prov, sector = provinces[i], str(sectors[i])
        pupils = int(round(median[sector] * rng.lognormal(0.0, 0.45)))
        teachers = max(
            3, int(round(pupils / (14 if sector == "vo" else 17) * rng.lognormal(0.0, 0.2)))
        )
        word = SCHOOL_WORDS[int(rng.integers(len(SCHOOL_WORDS)))]
        name = (
            f"Basisschool De {word}"
            if sector == "po"
            else f"{word} {SECONDARY_NAMES[int(rng.integers(len(SECONDARY_NAMES)))]}"
            if sector == "vo"
            else f"SO De {word}"
        )
        units.append(
            UnitDraft(
                code=f"school-{i + 1:04d}",
                name=f"{name} {town(rng, prov)}",
                kind="school",
                province=prov.name,
                region=prov.region,
                sector=sector,
                stratum=prov.name.lower().replace(" ", "-"),
                parent=f"regio-{prov.code}",
                traits={"pupils": max(20, pupils), "teachers": teachers, "effect": effect[i]},
            )
        )
    return units


def generic_units(rng: np.random.Generator) -> list[UnitDraft]:
    """40 units spread over the provinces, stratified by landsdeel (any other programme)."""
    n = 40
    provinces = spread_provinces(rng, n, minimum=2)
    size = _mean_one(rng, n, 0.6)
    effect = rng.normal(size=n)
    return [
        UnitDraft(
            code=f"unit-{i + 1:03d}",
            name=f"Eenheid {town(rng, p)}",
            kind="unit",
            province=p.name,
            region=p.region,
            stratum=REGION_CODES[p.region],
            traits={"size": size[i], "effect": effect[i]},
        )
        for i, p in enumerate(provinces)
    ]
