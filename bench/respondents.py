"""Simulated respondents for the load test: mel's DW survey, and the floor's five pages.

Each respondent is one browser without JavaScript on a keep-alive connection; `run_load`
runs N of them, at most C at a time, until done or a deadline.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable

from http_client import Browser, Stats

INPUT = re.compile(r'name="(csrf_token|_consent|_submission)" value="([^"]*)"')
FLOOR_PAGES = 5
Respondent = Callable[[int, Stats, random.Random, float], Awaitable[None]]


def page_answers(name: str, rng: random.Random, steps_yes: bool) -> dict[str, str | list[str]]:
    """Plausible answers for each DW page (varied, so that skip logic is exercised)."""
    steps = (
        {"welke_stappen": ["advies_uitgevoerd"]}
        if steps_yes
        else {"reden_geen_stappen": rng.choice(["geen_tijd", "geen_budget"])}
    )
    return {
        "traject": {
            "soort_traject": rng.choice(["korte_vraag", "traject", "masterclass"]),
            "onderwerpen": rng.sample(
                ["website_webshop", "data_dashboards", "ai", "cybersecurity"], rng.randint(1, 3)
            ),
            "datum_afgerond": f"2025-0{rng.randint(1, 9)}-01",
        },
        "oordeel": {
            "cijfer_traject": str(rng.randint(5, 10)),
            "aanbevelen": "yes",
            "aanbeveling_score": str(rng.randint(0, 10)),
            "vervolgstappen": "yes" if steps_yes else "no",
        },
        "na_het_traject": {
            **steps,
            **{
                f"effecten__{s}": str(rng.randint(1, 5))
                for s in (
                    "inzicht",
                    "vaardigheden",
                    "nieuwe_toepassingen",
                    "weinig_veranderd",
                    "inbreng_studenten",
                )
            },
        },
        "uw_bedrijf": {
            "bedrijfsgrootte": rng.choice(["zzp", "micro", "klein"]),
            "opmerkingen": "Prima geholpen door de studenten.",
        },
    }[name]


async def respondent(
    port: int, stats: Stats, rng: random.Random, think: float, *, link: str
) -> None:
    """Fill in the survey once, like a browser; a few press Submit twice at the same time.

    `think` is the mean time (s) spent reading a page before pressing its button.
    """
    browser = Browser(port, stats)
    steps_yes = rng.random() < 0.8
    try:
        status, _, html = await browser.request("GET", link)
        expect(status, 200, link)
        status, headers, _ = await browser.request("POST", link, dict(INPUT.findall(html)))
        expect(status, 303, "consent")
        path = headers["location"]
        while "/p/" in path:
            status, _, html = await browser.request("GET", path)
            expect(status, 200, path)
            answers = page_answers(path.rsplit("/", 1)[1], rng, steps_yes)
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            form = {**dict(INPUT.findall(html)), **answers, "_action": "next"}
            if "_submission" in form and rng.random() < 0.05:
                twin = Browser(port, stats)
                twin.cookie = browser.cookie
                results = await asyncio.gather(
                    browser.request("POST", path, form), twin.request("POST", path, form)
                )
                await twin.close()
                status, headers = results[0][0], results[0][1]
                expect(results[1][0], 303, "double submit")
            else:
                status, headers, _ = await browser.request("POST", path, form)
            expect(status, 303, path)
            path = headers["location"]
        status, _, html = await browser.request("GET", path)
        expect(status, 200, path)
        if "Bedankt!" not in html:
            raise AssertionError(f"no thank-you page at {path}")
        stats.completed += 1
    except Exception as exc:  # every failure is counted, none stops the run
        stats.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await browser.close()


def expect(status: int, wanted: int, what: str) -> None:
    """Fail a respondent on an unexpected HTTP status."""
    if status != wanted:
        raise AssertionError(f"{what}: HTTP {status}, expected {wanted}")


async def run_load(
    port: int,
    one: Respondent,
    respondents: int,
    concurrency: int,
    deadline: float,
    think: float,
    during: Callable[[], Awaitable[None]] | None = None,
    stats: Stats | None = None,
) -> tuple[Stats, float]:
    """Run `respondents` respondents, `concurrency` at a time; return stats and seconds.

    `one(port, stats, rng, think)` fills in the survey once; `during()`, when given, runs
    beside the respondents (the kill test), which may watch `stats` as they fill it.
    """
    stats, queue = stats or Stats(), asyncio.Queue[int]()
    for number in range(respondents):
        queue.put_nowait(number)

    async def worker() -> None:
        while not queue.empty() and time.monotonic() < deadline:
            number = queue.get_nowait()
            await one(port, stats, random.Random(number), think)

    start = time.perf_counter()
    extra = [during()] if during is not None else []
    await asyncio.gather(*(worker() for _ in range(concurrency)), *extra)
    return stats, time.perf_counter() - start


async def floor_respondent(port: int, stats: Stats, rng: random.Random, think: float) -> None:
    """Fill in the floor's five pages like `respondent` does mel's survey (11 requests)."""
    browser = Browser(port, stats)
    try:
        path = "/f/1"
        status, _, html = await browser.request("GET", path)
        expect(status, 200, path)
        for page in range(1, FLOOR_PAGES + 1):
            if think and page > 1:  # mel's respondent reads four pages, not the consent
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            form = {
                **dict(INPUT.findall(html)),
                "choice": rng.choice(["kort", "traject", "masterclass"]),
                "score": str(rng.randint(0, 10)),
                "remark": "Prima geholpen door de studenten.",
            }
            status, headers, _ = await browser.request("POST", path, form)
            expect(status, 303, path)
            path = headers["location"]
            status, _, html = await browser.request("GET", path)
            expect(status, 200, path)
        if "Bedankt!" not in html:
            raise AssertionError(f"no thank-you page at {path}")
        stats.completed += 1
    except Exception as exc:  # every failure is counted, none stops the run
        stats.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await browser.close()
