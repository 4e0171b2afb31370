"""Benchmark: how fast and how far one briefbot process goes.

    python tests/bench.py [--entities N] [--json]

Builds (or reuses, from `var/bench/`) a synthetic store of N entities (see
`bench_store.py`), then times what the bot does on every interaction, each through the
path the bot itself uses, as p50 and p99 over many calls:

- `resolve_ms` exact names, aliases and acronyms through `FactStore.resolve`, against
  `resolve_floor_ms`, the same lookup as one indexed SQL query on the same connection;
- `autocomplete_ms` 25 choices for partial input through `Briefer.autocomplete`;
- `search_ms` full-text queries of 1, 2 and 3+ Korean characters and of two words, as
  `/search` asks them (every hit ranked, the first page's texts and sources read);
- `card_ms` a `/program` answer built and rendered to Discord payloads;
- `digest_ms` one digest built and rendered, and `digests_1000_s` a thousand subscriptions
  due at the same minute delivered through `DigestEngine` (see `bench_digest.py`);
- `interactions_per_s`: see `bench_discord.py`, the saturated rate once the caches are
  warm (`interactions_cold_per_s` from a fresh process); with `interaction_ms_at_80`
  (offered at 80 % of that rate) and `gateway_trivial_per_s`, discord.py's own ceiling
  with a trivial handler in the same run, and their ratio `gateway_ratio`;
- `http_1_per_s` / `http_2_per_s`: HTTP interactions through one `python -m bot serve`
  and two gunicorn workers, warm and cold (`http_1_cold_per_s`), each with its p50/p99
  at 80 %, against `http_trivial_per_s`, the same signature check and aiohttp app
  answering a fixed message (`bench_http.py`);
- `startup_s` `python -m bot ask "/about"` from process start to answer, and `rss_mb`
  this process's peak resident memory after serving all of the above.

The last line with `--json` is one JSON object with those keys and `entities`.
The default test run does not include this; `tests/test_bench_smoke.py` runs it small.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench_digest import measure_digests
from bench_discord import measure_interactions
from bench_http import measure_http, measure_http_stages
from bench_store import cache_path, ensure_store

from bot.app import App
from bot.briefing.answers import Briefer, Invocation
from bot.briefing.lists import SEARCH_PAGE_SIZE
from bot.config import Config
from bot.render.discord_payload import reply_payloads
from store.fact_store import FactStore

TODAY = date(2025, 11, 1)  # the generator's anchor: milestones lie on both sides of it
SAMPLE_SEED = 7
# Targets at N = 100,000 on a 2-core machine (issue 7).
TARGETS = {
    "autocomplete_ms": 15.0,
    "search_ms": 30.0,
    "card_ms": 20.0,
    "interaction_ms": 100.0,
    "startup_s": 3.0,
    "rss_mb": 250.0,
}
RESOLVE_FLOOR_FACTOR = 2.0
MIN_INTERACTIONS_PER_S = 300.0
# Interactions against their ceilings (issue 15): at least these ratios.
RATIO_TARGETS = {"gateway_ratio": 0.6, "http_1_ratio": 0.8, "http_2_vs_1": 1.5}
LATENCY_AT_80 = ("interaction_ms_at_80", "http_1_ms_at_80", "http_2_ms_at_80")


@dataclass(frozen=True)
class Timing:
    """Per-call milliseconds of one measured operation."""

    samples: list[float]

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile: the value below which `q` of the calls finished."""
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    def summary(self) -> dict[str, float | None]:
        """p50 and p99 in milliseconds; None for a percentile that was never answered."""
        return {q: _finite(self.percentile(v)) for q, v in (("p50", 0.50), ("p99", 0.99))}


def _finite(ms: float) -> float | None:
    return round(ms, 3) if math.isfinite(ms) else None


def timed(call: Callable[[Any], object], inputs: Sequence[Any], warmup: int = 20) -> Timing:
    """Call `call` once per input and time each call; the first few calls are not counted."""
    return timed_side_by_side([call], inputs, warmup)[0]


def timed_side_by_side(
    calls: Sequence[Callable[[Any], object]], inputs: Sequence[Any], warmup: int = 20
) -> list[Timing]:
    """Each call on each input in turn, so operations compared with each other meet the
    same pauses (collections, the scheduler) and their p99s can be compared. Which goes
    first rotates: the first to touch an input's pages pays for reading them."""
    for item in inputs[:warmup]:
        for call in calls:
            call(item)
    samples: list[list[float]] = [[] for _ in calls]
    clock = time.perf_counter_ns
    for n, item in enumerate(inputs):
        for i in range(len(calls)):
            which = (n + i) % len(calls)
            start = clock()
            calls[which](item)
            samples[which].append((clock() - start) / 1e6)
    return [Timing(s) for s in samples]


class Inputs:
    """What people type, drawn from the store itself so every size gets fitting input."""

    def __init__(self, store: FactStore, count: int) -> None:
        self.rng = random.Random(SAMPLE_SEED)
        self.count = count
        conn = store.db.conn
        (self.max_alias,) = conn.execute("SELECT max(id) FROM aliases").fetchone()
        self.conn = conn

    def aliases(self, count: int, kinds: Sequence[str] = ()) -> list[tuple[str, str, str]]:
        """(alias, key, entity class) of random aliases, optionally of some kinds only."""
        out: list[tuple[str, str, str]] = []
        while len(out) < count:
            ids = [self.rng.randint(1, self.max_alias) for _ in range(count * 2)]
            marks = ", ".join("?" * len(ids))
            rows = self.conn.execute(
                "SELECT a.alias, a.key, e.class, a.kind FROM aliases a"
                f" JOIN entities e ON e.id = a.entity_id WHERE a.id IN ({marks})",
                ids,
            ).fetchall()
            out += [(r[0], r[1], r[2]) for r in rows if not kinds or r[3] in kinds]
        self.rng.shuffle(out)
        return out[:count]

    def names(self, entity_class: str, kind: str, count: int) -> list[str]:
        """Names of random entities of one class (`name_ko` or `name_en`)."""
        names = [a for a, _, c in self.aliases(count * 8, (kind,)) if c == entity_class]
        return (names * (count // max(len(names), 1) + 1))[:count]

    def autocomplete(self) -> dict[str, list[tuple[str, str]]]:
        """(command, typed text) per kind: prefixes of 1, 2 and 3+ characters, Korean and Latin."""
        n = self.count
        kinds: dict[str, list[tuple[str, str]]] = {}
        for label, kind in (("ko", "name_ko"), ("latin", "name_en")):
            typed: dict[int, list[tuple[str, str]]] = {1: [], 2: [], 3: []}
            for command in ("program", "institution"):
                for name in self.names(command, kind, n):
                    compact = name.replace(" ", "")
                    for length in (1, 2):
                        typed[length].append((command, compact[:length]))
                    typed[3].append((command, name[: self.rng.randint(3, max(3, len(name) - 1))]))
            for length, items in typed.items():
                self.rng.shuffle(items)
                kinds[f"{label}_{length}{'+' if length == 3 else ''}"] = items[:n]
        return kinds

    def search(self) -> dict[str, list[str]]:
        """Queries per kind: 1, 2 and 3+ Korean characters (pieces of real texts) and two words."""
        n = self.count
        words = [w for (text,) in self._texts(n * 4) for w in text.split() if _is_korean(w)]
        self.rng.shuffle(words)
        one = [w[self.rng.randrange(len(w))] for w in words[:n]]
        two = [w[:2] for w in words if len(w) >= 2][:n]
        three = [w for w in words if len(w) >= 3][:n]
        acronyms = [a for a, _, _ in self.aliases(n * 4, ("acronym",))] or ["AI"]
        pairs = [f"{self.rng.choice(acronyms)} {self.rng.choice(three)}" for _ in range(n // 2)]
        pairs += [f"{self.rng.choice(three)} {self.rng.choice(two)}" for _ in range(n - len(pairs))]
        return {"ko_1": one, "ko_2": two, "ko_3+": three, "two_words": pairs}

    def _texts(self, count: int) -> list[tuple[str]]:
        (max_doc,) = self.conn.execute("SELECT max(id) FROM search_docs").fetchone()
        ids = [self.rng.randint(1, max_doc) for _ in range(count)]
        return self.conn.execute(
            f"SELECT text FROM search_docs WHERE id IN ({', '.join('?' * len(ids))})", ids
        ).fetchall()

    def programs(self) -> list[str]:
        """`/program` values: half entity ids (what autocomplete sends), half typed names."""
        rows = self.conn.execute(
            "SELECT id, name_ko FROM entities WHERE class = 'program' ORDER BY random() LIMIT ?",
            [self.count],
        ).fetchall()
        return [row[i % 2] for i, row in enumerate(rows)]

    def entity_ids(self, entity_class: str) -> list[str]:
        """Ids of random entities of one class, as a chosen autocomplete suggestion sends."""
        rows = self.conn.execute(
            "SELECT id FROM entities WHERE class = ? ORDER BY random() LIMIT ?",
            [entity_class, self.count],
        ).fetchall()
        return [row[0] for row in rows]

    def load_plan(self, count: int, seconds: float) -> dict[str, Any]:
        """What `bench_discord` sends: typed partial names, chosen ids, search queries."""
        typed = [item for items in self.autocomplete().values() for item in items]
        queries = [q for items in self.search().values() for q in items]
        return {
            "typed": typed, "programs": self.entity_ids("program"),
            "institutions": self.entity_ids("institution"), "queries": queries,
            "count": count, "seconds": seconds,
        }  # fmt: skip


def _is_korean(word: str) -> bool:
    return all("가" <= ch <= "힣" for ch in word)


def _combined(parts: dict[str, Timing]) -> Timing:
    return Timing([s for t in parts.values() for s in t.samples])


def measure_store(store: FactStore, calls: int) -> dict[str, Any]:
    """resolve, its floor, autocomplete, search and card timings on one open store."""
    inputs = Inputs(store, calls)
    briefer = Briefer(store, today=lambda: TODAY)
    results: dict[str, Any] = {}

    aliases = inputs.aliases(calls * 10)
    # The floor: the one indexed lookup an exact name needs, already in key form.
    floor_sql = (
        "SELECT e.id, e.class, e.kind, e.name_ko, e.name_en, e.acronym FROM aliases a"
        " CROSS JOIN entities e ON e.id = a.entity_id WHERE a.key = ? AND e.class = ?"
    )
    conn = store.db.conn
    results["resolve_ms"], results["resolve_floor_ms"] = timed_side_by_side(
        [
            lambda a: store.resolve(a[0], classes=[a[2]]),
            lambda a: conn.execute(floor_sql, (a[1], a[2])).fetchall(),
        ],
        aliases,
    )

    per_kind = {
        kind: timed(lambda c: briefer.complete_entities(c[1], [c[0]], "ko"), typed)
        for kind, typed in inputs.autocomplete().items()
    }
    results["autocomplete_ms"] = _combined(per_kind)
    results["autocomplete_ms_by_kind"] = per_kind

    def first_page(query: str) -> None:
        """What `/search` asks of the store: every hit ranked, the first page detailed."""
        store.search(query, first=0, count=SEARCH_PAGE_SIZE)

    per_kind = {kind: timed(first_page, queries) for kind, queries in inputs.search().items()}
    results["search_ms"] = _combined(per_kind)
    results["search_ms_by_kind"] = per_kind

    def card(name: str) -> None:
        reply = briefer.answer(Invocation("program", {"name": name}, "ko"))
        reply_payloads(reply, "ko")

    results["card_ms"] = timed(card, inputs.programs())
    return results


def measure_startup(path: Path, runs: int = 3) -> tuple[float, float]:
    """Median seconds of `python -m bot ask "/about"` on the store, and its peak RSS in MB."""
    times, peaks = [], []
    env = {**os.environ, "BRIEFBOT_DB": str(path)}
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "bot", "--db", str(path), "ask", "/about"],
            stdout=subprocess.DEVNULL,
            cwd=path.parent,  # no stray config.toml
            env=env,
        )
        _, status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise RuntimeError(f"python -m bot ask /about exited with {child.returncode}")
        peaks.append(usage.ru_maxrss / 1024)
    return sorted(times)[len(times) // 2], max(peaks)


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(entities: int, calls: int, load_seconds: float, digests: int) -> dict[str, Any]:
    """Every metric for a store of `entities`; generation happens in a child process."""
    if not cache_path(entities).exists():
        # A child, so that building the store does not count towards this process's memory.
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("bench_store.py")), str(entities)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as scratch:
        return _measure_copy(working_copy(ensure_store(entities), Path(scratch)), entities,
                             calls, load_seconds, digests)  # fmt: skip


def working_copy(cached: Path, folder: Path) -> Path:
    """A private copy of the cached store: a run writes to its store (bot state, leases,
    command hashes), and two runs at once must not see each other's."""
    path = folder / cached.name
    source, target = sqlite3.connect(cached), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return path


def _measure_copy(
    path: Path, entities: int, calls: int, load_seconds: float, digests: int
) -> dict[str, Any]:
    startup_s, startup_rss = measure_startup(path)
    opened = time.perf_counter()
    store = FactStore.open(path)
    open_s = time.perf_counter() - opened
    gc.collect()
    try:
        results = measure_store(store, calls)
        digest = measure_digests(store, TODAY, digests)
        plan = Inputs(store, calls).load_plan(calls * 10, load_seconds)
        interactions = measure_interactions(store, plan, lambda: TODAY)
        results.update(ceilings(store, plan, interactions))
    finally:
        store.close()
    if interactions["loopback_violations"]:
        raise RuntimeError(f"the bot sent invalid requests: {interactions['loopback_violations']}")
    results.update(
        digest_ms=Timing(digest["digest_ms"]),
        digests_1000_s=digest["digests_1000_s"],
        interactions_per_s=interactions["interactions_per_s"],
        interactions_cold_per_s=interactions["cold_per_s"],
        interaction_ms_at_80=Timing(interactions["at_80_ms"]),
        interaction_ms=Timing(interactions["at_target_ms"]),
        interaction_ms_saturated=Timing(interactions["saturated_ms"]),
        interactions_late=interactions["interactions_late"],
        interactions_sustained_per_s=interactions["sustained_per_s"],
        interaction_ms_sustained=Timing(interactions["sustained_ms"]),
        startup_s=round(startup_s, 3),
        startup_rss_mb=round(startup_rss, 1),
        store_open_s=round(open_s, 3),
        rss_mb=round(peak_rss_mb(), 1),
        entities=entities,
        store_mb=round(path.stat().st_size / 2**20, 1),
    )
    return results


def ceilings(store: FactStore, plan: dict[str, Any], gateway: dict[str, Any]) -> dict[str, Any]:
    """discord.py's trivial ceiling, the HTTP path with 1 and 2 workers and its trivial
    ceiling, in the same run as the gateway measurement `gateway`; the ratios the targets
    name."""
    trivial = measure_interactions(store, plan, lambda: TODAY, trivial=True)
    http = measure_http(store, plan)
    app = App(Config(store_path=store.path), store, today=lambda: TODAY)
    stages = measure_http_stages(app, plan, plan["count"])
    violations = trivial["loopback_violations"] + http["loopback_violations"]
    if violations:
        raise RuntimeError(f"invalid requests: {violations}")
    one, two, ceiling = (http[k]["per_s"] for k in ("http_1", "http_2", "http_trivial"))
    return {
        "gateway_trivial_per_s": trivial["interactions_per_s"],
        "gateway_ratio": round(gateway["interactions_per_s"] / trivial["interactions_per_s"], 3),
        "http_1_per_s": one,
        "http_1_cold_per_s": http["http_1"]["cold_per_s"],
        "http_1_ms_at_80": Timing(http["http_1"]["at_80_ms"]),
        "http_2_per_s": two,
        "http_2_cold_per_s": http["http_2"]["cold_per_s"],
        "http_2_ms_at_80": Timing(http["http_2"]["at_80_ms"]),
        "http_trivial_per_s": ceiling,
        "http_trivial_ms_at_80": Timing(http["http_trivial"]["at_80_ms"]),
        "http_1_ratio": round(one / ceiling, 3),
        "http_2_vs_1": round(two / one, 3),
        "http_stages_ms": stages,
    }


def run_interactions(entities: int, calls: int, load_seconds: float) -> dict[str, Any]:
    """Only the interaction metrics (the gateway, its ceiling, the HTTP path), which
    take minutes rather than the whole run's tens of minutes."""
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as scratch:
        store = FactStore.open(working_copy(ensure_store(entities), Path(scratch)))
        try:
            plan = Inputs(store, calls).load_plan(calls * 10, load_seconds)
            gateway = measure_interactions(store, plan, lambda: TODAY)
            return {
                "interactions_per_s": gateway["interactions_per_s"],
                "interactions_cold_per_s": gateway["cold_per_s"],
                "interaction_ms_at_80": Timing(gateway["at_80_ms"]),
                **ceilings(store, plan, gateway),
                "entities": entities,
            }
        finally:
            store.close()


def as_json(results: dict[str, Any]) -> dict[str, Any]:
    """Timings as `{"p50": x, "p99": y}`, per-kind breakdowns as one such object per kind."""

    def plain(value: Any) -> Any:
        if isinstance(value, Timing):
            return value.summary()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return {key: plain(value) for key, value in results.items()}


def _verdict(key: str, results: dict[str, Any]) -> str:
    value = results.get(key)
    if key == "resolve_ms":
        limit = RESOLVE_FLOOR_FACTOR * results["resolve_floor_ms"].percentile(0.99)
        return "ok" if value.percentile(0.99) <= limit else "MISSED"
    if key == "interactions_per_s":
        return "ok" if value >= MIN_INTERACTIONS_PER_S else "MISSED"
    if key in RATIO_TARGETS:
        return "ok" if value >= RATIO_TARGETS[key] else "MISSED"
    if key in LATENCY_AT_80:
        return "ok" if value.percentile(0.99) <= TARGETS["interaction_ms"] else "MISSED"
    if key not in TARGETS:
        return ""
    measured = value.percentile(0.99) if isinstance(value, Timing) else value
    return "ok" if measured <= TARGETS[key] else "MISSED"


def table(results: dict[str, Any]) -> str:
    """The results as a fixed-width table, with each target and whether it was met."""
    targets = {
        "resolve_ms": f"p99 ≤ {RESOLVE_FLOOR_FACTOR:g}× floor",
        "interactions_per_s": f"≥ {MIN_INTERACTIONS_PER_S:g}/s",
        "gateway_ratio": f"≥ {RATIO_TARGETS['gateway_ratio']:g} × trivial",
        "http_1_ratio": f"≥ {RATIO_TARGETS['http_1_ratio']:g} × trivial",
        "http_2_vs_1": f"≥ {RATIO_TARGETS['http_2_vs_1']:g} × 1 worker",
        **dict.fromkeys(LATENCY_AT_80, f"p99 ≤ {TARGETS['interaction_ms']:g}"),
        **{k: f"{'p99 ' if k.endswith('_ms') else ''}≤ {v:g}" for k, v in TARGETS.items()},
    }
    rows = [("metric", "p50", "p99", "target", "")]
    for key, value in results.items():
        if key == "entities":
            continue
        if isinstance(value, dict):
            for kind, timing in value.items():
                rows.append((f"  {kind}", *_cells(timing), "", ""))
            continue
        rows.append((key, *_cells(value), targets.get(key, ""), _verdict(key, results)))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [f"briefbot benchmark, {results['entities']:,} entities"]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _cells(value: Any) -> tuple[str, str]:
    if isinstance(value, Timing):
        return tuple(  # type: ignore[return-value]
            "never" if v is None else f"{v:.3f}" for v in value.summary().values()
        )
    return f"{value:g}", ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000, help="store size (default 100000)")
    parser.add_argument("--calls", type=int, default=200, help="calls per query kind (default 200)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.add_argument(
        "--quick", action="store_true", help="few calls and a short load (the smoke test)"
    )
    parser.add_argument(
        "--interactions-only",
        action="store_true",
        help="only the gateway and HTTP interaction rates, their ceilings and latencies",
    )
    args = parser.parse_args(argv)
    if args.interactions_only:
        results = run_interactions(args.entities, args.calls, load_seconds=10.0)
    elif args.quick:
        results = run(args.entities, calls=20, load_seconds=1.0, digests=50)
    else:
        results = run(args.entities, args.calls, load_seconds=10.0, digests=1000)
    print(table(results))
    if args.json:
        print(json.dumps(as_json(results), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
