"""The bot's Prometheus metrics: counted where each thing happens, once for every front end.

Each `App` has its own registry rather than prometheus_client's global one, so that
several apps in one process (the tests make many) count only their own work. Events
are counted at the two places every front end passes through: `App.answer` for
interactions and the digest engine's recorded outcomes, so no adapter counts anything.
What describes state (the store, the scheduler) is read when scraped.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.briefing.answers import Invocation
from bot.briefing.model import Answer
from bot.commandline import ALL_COMMANDS
from bot.digest.delivery import Outcome
from bot.digest.scheduler import DigestScheduler
from store.fact_store import FactStore

log = logging.getLogger(__name__)

ANSWERED, ERROR, REFUSED, CRASHED = "answered", "error", "refused", "crashed"
# A command name nobody declared (typed at the console): one label, not one per typo.
UNKNOWN_COMMAND = "unknown"
# Seconds. 1.5 is where a front end stops waiting and defers ("thinking…"); 3 is the
# first-response window of Discord and Slack alike.
ANSWER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 3.0, 10.0)


def outcome_of(answer: Answer | None) -> str:
    """How a command went: answered, error (the reply explains a problem with the input),
    refused (the asker may not do it) or crashed (no answer: an exception)."""
    if answer is None:
        return CRASHED
    if answer.reply.refused:
        return REFUSED
    return ERROR if answer.reply.is_error else ANSWERED


class Metrics:
    """One app's registry, its counters, and the collectors that read state at a scrape."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "briefbot_interactions",
            "Commands answered, by front end, command and outcome.",
            ("front_end", "command", "outcome"),
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "briefbot_answer_seconds",
            "Time the core took to answer a command (before the front end sends it).",
            ("front_end", "command"),
            buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )
        self.digests = Counter(
            "briefbot_digests",
            "Digest deliveries by outcome; late: attempted over a minute after the run's time.",
            ("outcome", "late"),
            registry=self.registry,
        )

    def count_answer(self, invocation: Invocation, answer: Answer | None, seconds: float) -> None:
        """Count one command and its time (`answer` None: it raised)."""
        command = invocation.command if invocation.command in ALL_COMMANDS else UNKNOWN_COMMAND
        self.interactions.labels(invocation.front_end, command, outcome_of(answer)).inc()
        self.answer_seconds.labels(invocation.front_end, command).observe(seconds)

    def count_digest(self, outcome: Outcome) -> None:
        """Count one outcome the digest engine recorded."""
        self.digests.labels(outcome.status, "true" if outcome.late else "false").inc()

    def watch(self, store: FactStore, scheduler: DigestScheduler) -> None:
        """Report the store's revision and counts and the scheduler's state at each scrape."""
        self.registry.register(StateCollector(store, scheduler))

    def register(self, collector: Collector) -> None:
        """Add a collector read at each scrape (a front end's liveness, say)."""
        self.registry.register(collector)

    def exposition(self) -> bytes:
        """Everything in the Prometheus text format. Reads the store: call it off the loop."""
        return generate_latest(self.registry)


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    """One unlabelled gauge."""
    return GaugeMetricFamily(name, documentation, value=value)


def labelled(
    name: str, documentation: str, label: str, values: dict[str, int]
) -> GaugeMetricFamily:
    """A gauge with one sample per key of `values`."""
    family = GaugeMetricFamily(name, documentation, labels=(label,))
    for key, value in values.items():
        family.add_metric((str(key),), value)
    return family


class StateCollector(Collector):
    """The store's revision and counts (`store.stats()`) and the scheduler's state."""

    def __init__(self, store: FactStore, scheduler: DigestScheduler) -> None:
        self.store = store
        self.scheduler = scheduler

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._store()
        status = self.scheduler.status()
        yield gauge(
            "briefbot_scheduler_running_here",
            "1 when this process runs the digest scheduler.",
            int(status.running_here),
        )
        yield gauge(
            "briefbot_scheduler_alive",
            "1 when the scheduler here runs and swept recently.",
            int(status.alive),
        )
        if status.lag is not None:
            yield gauge(
                "briefbot_scheduler_lag_seconds",
                "How late the last digest job fired after its scheduled time.",
                status.lag,
            )
        if status.last_sweep is not None:
            yield gauge(
                "briefbot_scheduler_last_sweep_timestamp_seconds",
                "When the scheduler last finished a sweep (Unix time).",
                status.last_sweep.timestamp(),
            )

    def _store(self) -> Iterator[GaugeMetricFamily]:
        """The store's gauges; a store that cannot be read is reported, not a failed scrape."""
        started = time.perf_counter()
        try:
            revision, stats = self.store.revision(), self.store.stats()
        except sqlite3.Error as exc:
            log.warning("metrics: the store cannot be read: %s", exc)
            yield gauge("briefbot_store_readable", "1 when the store could be read.", 0)
            return
        yield gauge("briefbot_store_readable", "1 when the store could be read.", 1)
        yield gauge("briefbot_store_revision", "The newest revision id.", revision)
        yield labelled("briefbot_store_rows", "Rows per table.", "table", stats["tables"])
        yield labelled("briefbot_store_facts", "Facts by rank.", "rank", stats["facts_by_rank"])
        yield labelled(
            "briefbot_store_milestones",
            "Milestones by status.",
            "status",
            stats["milestones_by_status"],
        )
        yield gauge(
            "briefbot_store_facts_without_source",
            "Facts whose source is missing (should be 0).",
            stats["facts_without_source"],
        )
        yield gauge(
            "briefbot_store_stats_seconds",
            "Time this scrape took to read the store's counts.",
            time.perf_counter() - started,
        )
