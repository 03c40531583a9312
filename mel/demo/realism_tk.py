"""Techkwadraat realism: pupils and teachers nested in po/vo/so schools, one form per school."""

from __future__ import annotations

import numpy as np

from mel.demo.answers import Batch, Column, ordinal, pick
from mel.demo.answers import fit_numeric as fit
from mel.demo.realism import Realism, counts, known, pick_grouped, yes_share
from mel.surveys.schema import Question

SECONDARY = {
    "vmbo": 0.45,
    "havo": 0.25,
    "vwo": 0.20,
    "brugklas_gemengd": 0.08,
    "praktijkonderwijs": 0.02,
}
LAST_YEAR = {
    "vmbo": 4,
    "havo": 5,
    "vwo": 6,
    "brugklas_gemengd": 2,
    "praktijkonderwijs": 5,
    "speciaal_onderwijs": 6,
}
GENDER = ("jongen", "meisje", "anders", "zeg_ik_liever_niet")


def _pupils(batch: Batch) -> None:
    """School type, class, age and gender per pupil; boys lean a little more to technology."""
    rng, n = batch.rng, batch.n
    sector = batch.attr("sector")
    kinds = np.array(list(SECONDARY))
    weights = np.array(list(SECONDARY.values()))
    schooltype = np.where(
        sector == "po",
        "basisschool",
        np.where(sector == "so", "speciaal_onderwijs", kinds[rng.choice(len(kinds), n, p=weights)]),
    )
    last = np.array([LAST_YEAR.get(t, 4) for t in schooltype.tolist()])
    leerjaar = 1 + np.floor(rng.random(n) * last).astype(np.int64)
    groep = rng.integers(5, 9, size=n)
    primary = schooltype == "basisschool"
    age = np.where(primary, groep + 3, leerjaar + 11) + (rng.random(n) < 0.4)
    gender = rng.choice(len(GENDER), size=n, p=[0.485, 0.485, 0.012, 0.018])
    batch.latent = batch.latent + np.select([gender == 0, gender == 1], [0.3, -0.3], 0.0)
    batch.hidden.update(
        schooltype=schooltype,
        groep=groep,
        leerjaar=leerjaar,
        leeftijd=age,
        geslacht=np.array(GENDER)[gender],
    )


def _interest(batch: Batch, q: Question, cols: dict[str, Column]) -> Column | None:
    index = ordinal(batch, np.array([0.36, 0.36, 0.28]), loading=0.6)
    values = np.array(["nee", "misschien", "ja"])[index]
    values = np.where(batch.rng.random(batch.n) < 0.15, "weet_niet", values)
    return known(batch, q, values)


def _by_year(batch: Batch, early: dict[str, float], late: dict[str, float]) -> dict[str, float]:
    """Weights of 2023 moving to those of 2025 and later."""
    t = float(np.clip((batch.year - 2023) / 2, 0, 1))
    return {k: (1 - t) * early.get(k, 0.0) + t * late.get(k, 0.0) for k in {**early, **late}}


TK_PUPILS = Realism(
    prepare=_pupils,
    overrides={
        "schooltype": lambda b, q, c: known(b, q, b.hidden["schooltype"]),
        "geslacht": lambda b, q, c: known(b, q, b.hidden["geslacht"]),
        "leeftijd": lambda b, q, c: fit(q, b.hidden["leeftijd"]),
        "groep": lambda b, q, c: known(b, q, b.hidden["groep"]),
        "leerjaar": lambda b, q, c: known(b, q, b.hidden["leerjaar"]),
        "techniek_op_school": lambda b, q, c: pick(
            b,
            q,
            _by_year(
                b,
                {"nooit": 0.25, "paar_keer_per_jaar": 0.40, "maandelijks": 0.25, "wekelijks": 0.10},
                {"nooit": 0.14, "paar_keer_per_jaar": 0.38, "maandelijks": 0.32, "wekelijks": 0.16},
            ),
            loading=0.3,
        ),
        "interesse_techniek": _interest,
    },
)

TEACHER_TYPE = {
    "po": {"basisonderwijs": 1.0},
    "so": {"speciaal_onderwijs": 1.0},
    "vo": {"vmbo": 0.45, "havo_vwo": 0.45, "praktijkonderwijs": 0.10},
}
PRIMARY_ROLES = {
    "groepsleerkracht": 0.78,
    "coordinator": 0.10,
    "leidinggevende": 0.07,
    "anders": 0.05,
}
FUNCTION = {
    "po": PRIMARY_ROLES,
    "so": PRIMARY_ROLES,
    "vo": {
        "vakdocent_beta_techniek": 0.30,
        "vakdocent_overig": 0.55,
        "coordinator": 0.05,
        "leidinggevende": 0.05,
        "anders": 0.05,
    },
}

TK_TEACHERS = Realism(
    overrides={
        "onderwijstype": lambda b, q, c: pick_grouped(b, q, b.attr("sector"), TEACHER_TYPE),
        "functie": lambda b, q, c: pick_grouped(b, q, b.attr("sector"), FUNCTION),
        "jaren_ervaring": lambda b, q, c: fit(q, b.rng.gamma(2.0, 7.0, size=b.n)),
        "professionalisering_gevolgd": lambda b, q, c: yes_share(b, 0.42 + 0.06 * (b.year - 2023)),
        "uren_professionalisering": lambda b, q, c: fit(
            q, np.round(2 * b.rng.lognormal(np.log(12), 0.8, size=b.n)) / 2
        ),
        "aantal_activiteiten": lambda b, q, c: fit(q, 1 + counts(b, 1.8)),
        "frequentie_technologie": lambda b, q, c: pick(
            b,
            q,
            _by_year(
                b,
                {
                    "nooit": 0.16,
                    "paar_keer_per_jaar": 0.40,
                    "maandelijks": 0.27,
                    "wekelijks": 0.12,
                    "vaker_dan_wekelijks": 0.05,
                },
                {
                    "nooit": 0.10,
                    "paar_keer_per_jaar": 0.36,
                    "maandelijks": 0.31,
                    "wekelijks": 0.16,
                    "vaker_dan_wekelijks": 0.07,
                },
            ),
            loading=0.4,
        ),
    }
)


def _hours(batch: Batch, q: Question, cols: dict[str, Column]) -> Column:
    mean = np.where(batch.attr("sector") == "vo", 1.5, 1.0)
    return fit(q, np.round(2 * batch.rng.gamma(3.0, mean / 3.0)) / 2)


TK_SCHOOLS = Realism(
    overrides={
        "rol": lambda b, q, c: pick(
            b,
            q,
            {
                "schoolleider": 0.45,
                "coordinator_wt": 0.33,
                "regiocoordinator": 0.03,
                "leraar": 0.14,
                "anders": 0.05,
            },
        ),
        "onderwijstype": lambda b, q, c: known(b, q, b.attr("sector")),
        "aantal_leerlingen": lambda b, q, c: fit(
            q, np.round(b.trait("pupils", 200) * b.rng.lognormal(0, 0.05, size=b.n) / 10) * 10
        ),
        "deelname_techkwadraat": lambda b, q, c: pick(
            b,
            q,
            _by_year(
                b,
                {"ja": 0.05, "aangevraagd": 0.15, "nee": 0.55, "weet_niet": 0.25},
                {"ja": 0.58, "aangevraagd": 0.14, "nee": 0.18, "weet_niet": 0.10},
            ),
        ),
        "samenwerkt_bedrijven": lambda b, q, c: yes_share(b, 0.55 + 0.05 * (b.year - 2023)),
        "samenwerkt_buitenschools": lambda b, q, c: yes_share(b, 0.60 + 0.04 * (b.year - 2023)),
        "aantal_bedrijven": lambda b, q, c: fit(
            q, 1 + counts(b, np.where(b.attr("sector") == "vo", 4.0, 1.5))
        ),
        "aantal_buitenschools": lambda b, q, c: fit(q, 1 + counts(b, 1.5)),
        "uren_per_week": _hours,
        "verankering": lambda b, q, c: pick(
            b,
            q,
            _by_year(
                b,
                {
                    "incidenteel": 0.35,
                    "projectmatig": 0.35,
                    "deels_structureel": 0.20,
                    "structureel": 0.10,
                },
                {
                    "incidenteel": 0.25,
                    "projectmatig": 0.33,
                    "deels_structureel": 0.26,
                    "structureel": 0.16,
                },
            ),
            loading=0.5,
        ),
    }
)

TK_REALISM = {"tk-leerlingen": TK_PUPILS, "tk-docenten": TK_TEACHERS, "tk-scholen": TK_SCHOOLS}
