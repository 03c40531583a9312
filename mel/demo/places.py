"""Dutch geography for simulated units: provinces, their landsdeel (region) and towns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Province:
    """A province with its CBS landsdeel, share of the population and some towns."""

    name: str
    code: str
    region: str
    share: float
    towns: tuple[str, ...]


REGIONS = {
    "noord": "Noord-Nederland",
    "oost": "Oost-Nederland",
    "west": "West-Nederland",
    "zuid": "Zuid-Nederland",
}
REGION_CODES = {label: code for code, label in REGIONS.items()}

PROVINCES: tuple[Province, ...] = (
    Province("Groningen", "gr", "Noord-Nederland", 0.034, ("Groningen", "Delfzijl", "Veendam")),
    Province(
        "Friesland",
        "fr",
        "Noord-Nederland",
        0.037,
        ("Leeuwarden", "Sneek", "Heerenveen", "Drachten"),
    ),
    Province("Drenthe", "dr", "Noord-Nederland", 0.028, ("Assen", "Emmen", "Meppel")),
    Province(
        "Overijssel",
        "ov",
        "Oost-Nederland",
        0.067,
        ("Zwolle", "Enschede", "Deventer", "Hengelo", "Almelo"),
    ),
    Province("Flevoland", "fl", "Oost-Nederland", 0.024, ("Almere", "Lelystad", "Emmeloord")),
    Province(
        "Gelderland",
        "ge",
        "Oost-Nederland",
        0.120,
        ("Arnhem", "Nijmegen", "Apeldoorn", "Ede", "Doetinchem", "Tiel"),
    ),
    Province(
        "Utrecht",
        "ut",
        "West-Nederland",
        0.078,
        ("Utrecht", "Amersfoort", "Nieuwegein", "Veenendaal"),
    ),
    Province(
        "Noord-Holland",
        "nh",
        "West-Nederland",
        0.166,
        ("Amsterdam", "Haarlem", "Alkmaar", "Zaandam", "Hoorn", "Den Helder", "Hilversum"),
    ),
    Province(
        "Zuid-Holland",
        "zh",
        "West-Nederland",
        0.213,
        ("Rotterdam", "Den Haag", "Leiden", "Delft", "Dordrecht", "Gouda", "Zoetermeer"),
    ),
    Province(
        "Zeeland", "ze", "West-Nederland", 0.022, ("Middelburg", "Vlissingen", "Terneuzen", "Goes")
    ),
    Province(
        "Noord-Brabant",
        "nb",
        "Zuid-Nederland",
        0.146,
        ("Eindhoven", "Tilburg", "Breda", "'s-Hertogenbosch", "Helmond", "Roosendaal"),
    ),
    Province(
        "Limburg",
        "li",
        "Zuid-Nederland",
        0.063,
        ("Maastricht", "Venlo", "Heerlen", "Sittard", "Roermond"),
    ),
)
BY_NAME = {p.name: p for p in PROVINCES}


def draw_provinces(rng: np.random.Generator, n: int) -> list[Province]:
    """Draw `n` provinces in proportion to their population."""
    shares = np.array([p.share for p in PROVINCES])
    picks = rng.choice(len(PROVINCES), size=n, p=shares / shares.sum())
    return [PROVINCES[i] for i in picks]


def spread_provinces(rng: np.random.Generator, n: int, minimum: int = 1) -> list[Province]:
    """Give every province at least `minimum` of `n` items, the rest by population."""
    fixed = [p for p in PROVINCES for _ in range(minimum)][:n]
    result = fixed + draw_provinces(rng, n - len(fixed))
    order = rng.permutation(len(result))
    return [result[i] for i in order]


def town(rng: np.random.Generator, province: Province) -> str:
    """Pick a town of a province."""
    return province.towns[int(rng.integers(len(province.towns)))]
