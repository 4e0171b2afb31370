"""Stand-ins the digest tests share: a clock they set, a poster that records, test data.

Only the platform side is faked (the Discord poster comes from the adapter); the
store, the digest tables, the engine and APScheduler are the real ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.briefing.answers import Invocation
from bot.briefing.model import Reply
from bot.digest.commands import DigestCommands
from bot.digest.delivery import DeliveryProgress, process_holder
from bot.digest.schedule import parse_schedule
from bot.digest.subscriptions import DigestBook, Settings, Subscription
from bot.ids import discord as ids
from bot.render.discord_payload import reply_payloads
from bot.trust import Actor
from store.dates import parse_date
from store.db import write_transaction
from store.fact_store import FactStore
from store.revisions import Change, record_revision

PROGRAM = "sovereign-ai-foundation-model"
SOURCE = "byline-2025-foundation-kickoff"
GUILD, CHANNEL, USER = 100, 200, 300


def holder_of(pid: int, *, namespace: str | None = None) -> str:
    """The holder name a process `pid` of this host (and pid namespace, unless another is
    given) would have had."""
    host, _, _, mine = process_holder().split(":")
    return f"{host}:{pid}:0000aa:{mine if namespace is None else namespace}"


class ManualClock:
    """A clock that says what the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Post:
    place: str
    reply: Reply
    nonce: str
    locale: str

    @property
    def channel_id(self) -> int | None:
        return ids.channel_of(self.place)

    @property
    def payloads(self) -> list[dict[str, Any]]:
        """What the Discord renderer makes of the posted digest."""
        return reply_payloads(self.reply, self.locale)


@dataclass
class RecordingPoster:
    """Records posts and notices for every Discord place; raises the queued failures
    first, one per post. A post is in the channel at once; its message id comes back
    `answer_after` seconds later, as a platform's response takes its time."""

    posts: list[Post] = field(default_factory=list)
    notices: list[tuple[Subscription, Reply]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    answer_after: float = 0.0

    def owns(self, place: str) -> bool:
        return ids.channel_of(place) is not None

    async def post(
        self, place: str, reply: Reply, key: str, locale: str, progress: DeliveryProgress
    ) -> None:
        """The whole digest as one message (the engine's parts are the poster's business):
        posted already if an earlier attempt recorded it."""
        if progress.posted:
            return
        if self.failures:
            raise self.failures.pop(0)
        self.posts.append(Post(place, reply, key, locale))
        await asyncio.sleep(self.answer_after)
        await progress.record(0, str(900_000 + len(self.posts)))

    async def notify(self, subscription: Subscription, reason: str, message: Reply) -> None:
        self.notices.append((subscription, message))


@dataclass
class Asker:
    """Runs `/digest` operations as a front end would: an invocation by `USER`, who
    manages server `GUILD`, typed in channel `CHANNEL` (each can be changed per call)."""

    commands: DigestCommands

    def __call__(
        self,
        operation: str,
        *,
        guild: int = GUILD,
        channel: int = CHANNEL,
        user: int = USER,
        manages: bool = True,
        locale: str = "ko",
        **options: Any,
    ) -> Reply:
        if "channel_id" in options:
            options["channel"] = ids.place(guild, options.pop("channel_id"))
        actor = Actor(ids.actor(user), scope=ids.scope(guild), manages_scope=manages)
        invocation = Invocation(
            f"digest {operation}", options, locale, actor, ids.place(guild, channel)
        )
        return self.commands.answer(invocation)


class HangingPoster(RecordingPoster):
    """Posts hang until released, as a request to a platform that never answers."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def post(
        self, place: str, reply: Reply, key: str, locale: str, progress: DeliveryProgress
    ) -> None:
        await self.release.wait()
        await super().post(place, reply, key, locale, progress)


def subscribe(
    book: DigestBook,
    now: datetime,
    schedule: str = "daily 09:00",
    *,
    channel_id: int = 200,
    timezone: str = "Asia/Seoul",
    window_days: int = 14,
    language: str = "ko",
    post_empty: bool = True,
    revision: int = 1,
) -> Subscription:
    """A subscription made at `now` in guild 100 by user 300."""
    settings = Settings(parse_schedule(schedule), timezone, window_days, language, post_empty)
    subscription, _ = book.subscribe(
        scope=ids.scope(GUILD), place=ids.place(GUILD, channel_id), actor=ids.actor(USER),
        settings=settings, revision=revision, now=now,
    )  # fmt: skip
    return subscription


def add_milestones(store: FactStore, dates: list[str], today: date) -> list[int]:
    """Planned milestones of the foundation-model program, one revision each, all in one
    transaction: what `store.add_milestone` records, at a speed 300 of them allow."""
    ids = []
    with write_transaction(store.db):
        for when in dates:
            number = len(ids) + 1
            fuzzy = parse_date(when, today)
            row = {
                "id": store.db.execute("SELECT coalesce(max(id), 0) + 1 FROM milestones").fetchone()[0],
                "entity_id": PROGRAM, "title_ko": f"테스트 일정 {number}",
                "title_en": f"Test milestone {number}", "date_text": when,
                "date_edtf": fuzzy.edtf, "precision": fuzzy.precision,
                "earliest": fuzzy.earliest.isoformat() if fuzzy.earliest else None,
                "latest": fuzzy.latest.isoformat() if fuzzy.latest else None,
                "status": "planned", "source_id": SOURCE,
            }  # fmt: skip
            revision = record_revision(
                store.db, actor="console:test", action="milestone.add",
                changes=[Change("milestones", row["id"], None, row)],
                summary=f"일정 추가: 테스트 일정 {number}\nadded milestone: Test milestone {number}",
            )  # fmt: skip
            store.db.execute(
                f"INSERT INTO milestones ({', '.join(row)}, created_rev)"
                f" VALUES ({', '.join('?' * len(row))}, ?)",
                [*row.values(), revision],
            )
            ids.append(row["id"])
    return ids


def change_budget(store: FactStore, value: str) -> None:
    """Supersede the foundation-model program's budget through the store's own edit."""
    store.set_fact(
        entity=PROGRAM, attribute="budget", value=value, source=SOURCE, actor="console:test"
    )


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
