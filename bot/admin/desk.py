"""`AdminDesk`: answers the admin commands for any front end, checking trust first.

Every change goes through one `FactStore` edit (one transaction, one revision); the
desk only checks who asks, turns options into that call and its result into a reply,
plus the card an audit channel may echo. Forms are the multi-field edits (a Discord
modal): built from the current rows with the revision they were read at, so a form
submitted after someone else's change is refused rather than overwriting it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.admin.specs import ADMIN_COMMANDS, ATTRIBUTE, ENTITY_KINDS, KIND, MILESTONE, SOURCE
from bot.briefing.answers import (
    AUTOCOMPLETE_LIMIT,
    CHOICE_NAME_MAX,
    Choice,
    Invocation,
    error_reply,
)
from bot.briefing.commands import OptionError, validate_options
from bot.briefing.model import COLORS, Card, Field, Reply
from bot.config import Config
from bot.i18n import t
from bot.trust import Actor, may_edit_facts
from store.changeset import EditResult, revision_summary
from store.errors import InvalidInput
from store.fact_store import FactStore
from store.limits import FACT_TEXT_MAX, NAME_MAX, REASON_MAX, TITLE_MAX, URL_MAX

READ_ONLY = frozenset({"fact history"})
HISTORY_SHOWN = 10


@dataclass(frozen=True)
class AdminAnswer:
    """The reply to the asker and, for a change made, the card for an audit channel."""

    reply: Reply
    audit: Reply | None = None


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    value: str
    max_length: int
    required: bool = False
    long: bool = False


@dataclass(frozen=True)
class Form:
    """A multi-field edit: what it edits (`kind`, `key`), as of which revision."""

    kind: str  # "milestone" | "fact"
    key: str
    revision: int
    title: str
    fields: tuple[FormField, ...]


def _statement_text(row: dict[str, Any], linked_name: str | None) -> str:
    """A current statement written the way `/fact set value:` accepts it back."""
    if row["value_entity"] is not None:
        return linked_name or row["value_entity"]
    if row["value_money"] is not None:
        return str(row["value_money"])
    if row["value_number"] is not None:
        number = row["value_number"]
        # The unit is part of the statement: "5개팀" read back as "5" would lose it.
        return f"{int(number) if float(number).is_integer() else number}{row['unit'] or ''}"
    if row["value_date_text"] is not None:
        return row["value_date_text"]
    return row["value_text"] or ""


def _milestone_shown(row: dict[str, Any]) -> dict[str, str]:
    """What the milestone form shows, by field (also what a submission is compared to)."""
    return {
        "title": row["title_ko"],
        "title_en": row["title_en"] or "",
        "date": row["date_text"],
        "source": row["source_id"],
    }


class AdminDesk:
    """Answers `/fact`, `/milestone`, `/entity`, `/alias` and `/source`."""

    def __init__(
        self, store: FactStore, config: Config, today: Callable[[], date] = date.today
    ) -> None:
        self.store = store
        self.config = config
        self.today = today

    def answer(self, invocation: Invocation, actor: Actor) -> AdminAnswer:
        """Check trust and options, make the change, say what changed (or why not)."""
        locale = invocation.locale
        command = ADMIN_COMMANDS.get(invocation.command)
        if command is None:
            known = ", ".join(f"/{name}" for name in ADMIN_COMMANDS)
            message = t(
                "err.unknown_command", locale, command=f"/{invocation.command}", commands=known
            )
            return AdminAnswer(error_reply(message, locale))
        if command.name not in READ_ONLY and not may_edit_facts(self.config, actor):
            return AdminAnswer(error_reply(t("admin.refused", locale), locale))
        try:
            values = validate_options(command, invocation.options)
            handler = getattr(self, "_" + command.name.replace(" ", "_"))
            return handler(actor=actor, locale=locale, **values)
        except (OptionError, InvalidInput) as exc:
            return AdminAnswer(error_reply(exc.message(locale), locale))

    # -- changes -----------------------------------------------------------------------

    def _done(
        self, result: EditResult, actor: Actor, reason: str | None, locale: str
    ) -> AdminAnswer:
        """A private confirmation with the way back, and the audit card."""
        summary = result.summary(locale)
        undo = t("admin.undo", locale, revision=result.revision)
        reply = Reply(
            (
                Card(
                    t("admin.done", locale, revision=result.revision),
                    summary,
                    (Field(t("admin.undo.title", locale), (undo,)),),
                    color=COLORS["list"],
                ),
            ),
            ephemeral=True,
        )
        lines = [summary, t("admin.by", locale, actor=actor.label)]
        if reason:
            lines.append(t("admin.why", locale, reason=reason))
        audit = Reply(
            (
                Card(
                    t("admin.audit", locale, revision=result.revision),
                    "\n".join(lines),
                    color=COLORS["list"],
                ),
            )
        )
        return AdminAnswer(reply, audit)

    def _fact_set(self, *, actor: Actor, locale: str, entity: str, attribute: str, value: str,
                  source: str, reason: str | None, value_en: str | None, unit: str | None,
                  label: str | None, replaces: int | None, add: bool) -> AdminAnswer:  # fmt: skip
        result = self.store.set_fact(
            entity=entity, attribute=attribute, value=value, source=source, actor=actor.label,
            reason=reason, unit=unit, text_en=value_en, label_ko=label, replaces=replaces,
            add=add, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _fact_retire(self, *, actor: Actor, locale: str, entity: str, attribute: str,
                     reason: str) -> AdminAnswer:  # fmt: skip
        result = self.store.retire_fact(
            entity=entity, attribute=attribute, reason=reason, actor=actor.label
        )
        return self._done(result, actor, reason, locale)

    def _fact_revert(self, *, actor: Actor, locale: str, revision: int,
                     reason: str | None) -> AdminAnswer:  # fmt: skip
        result = self.store.revert(revision, actor=actor.label, reason=reason)
        return self._done(result, actor, reason, locale)

    def _milestone_add(self, *, actor: Actor, locale: str, program: str, title: str, date: str,
                       source: str, title_en: str | None, reason: str | None) -> AdminAnswer:  # fmt: skip
        result = self.store.add_milestone(
            entity=program, title=title, date=date, source=source, actor=actor.label,
            title_en=title_en, reason=reason, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _milestone_update(self, *, actor: Actor, locale: str, milestone: int, title: str | None,
                          date: str | None, source: str | None, title_en: str | None,
                          reason: str | None, expected_revision: int | None = None) -> AdminAnswer:  # fmt: skip
        result = self.store.update_milestone(
            milestone, actor=actor.label, title=title, title_en=title_en, date=date,
            source=source, reason=reason, expected_revision=expected_revision, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _milestone_status(self, status: str, actor: Actor, locale: str, milestone: int,
                          reason: str | None) -> AdminAnswer:  # fmt: skip
        result = self.store.set_milestone_status(
            milestone, status, actor=actor.label, reason=reason
        )
        return self._done(result, actor, reason, locale)

    def _milestone_done(self, *, actor: Actor, locale: str, milestone: int,
                        reason: str | None) -> AdminAnswer:  # fmt: skip
        return self._milestone_status("done", actor, locale, milestone, reason)

    def _milestone_cancel(self, *, actor: Actor, locale: str, milestone: int,
                          reason: str | None) -> AdminAnswer:  # fmt: skip
        return self._milestone_status("cancelled", actor, locale, milestone, reason)

    def _entity_add(self, *, actor: Actor, locale: str, kind: str, name_ko: str, source: str,
                    name_en: str | None, acronym: str | None, aliases: str | None,
                    summary: str | None, summary_en: str | None, reason: str | None) -> AdminAnswer:  # fmt: skip
        result = self.store.add_entity(
            kind=kind, name_ko=name_ko, source=source, actor=actor.label, name_en=name_en,
            acronym=acronym, aliases=aliases or (), summary_ko=summary, summary_en=summary_en,
            reason=reason,
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _alias_add(self, *, actor: Actor, locale: str, entity: str, alias: str,
                   reason: str | None) -> AdminAnswer:  # fmt: skip
        result = self.store.add_alias(entity=entity, alias=alias, actor=actor.label, reason=reason)
        return self._done(result, actor, reason, locale)

    def _source_add(self, *, actor: Actor, locale: str, title: str, publisher: str,
                    published: str, url: str | None, reason: str | None) -> AdminAnswer:  # fmt: skip
        result = self.store.add_source(
            title=title, publisher=publisher, published=published, actor=actor.label, url=url,
            reason=reason, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    # -- reading -----------------------------------------------------------------------

    def _fact_history(self, *, actor: Actor, locale: str, entity: str,
                      attribute: str | None) -> AdminAnswer:  # fmt: skip
        """Revisions with ids, who, when, why and old → new, newest first."""
        revisions = self.store.history(entity, attribute, limit=HISTORY_SHOWN)
        fields = []
        for revision in revisions:
            lines = [revision_summary(revision, locale) or revision.action]
            if revision.reason:
                lines.append(t("admin.why", locale, reason=revision.reason))
            lines += [self.store.describe_change(c, locale) for c in revision.changes]
            name = f"#{revision.id} · {revision.at[:16].replace('T', ' ')} UTC · {revision.actor}"
            fields.append(Field(name, tuple(lines)))
        subject = self.store.resolve(entity).entity
        title = t("admin.history", locale, name=subject.name(locale) if subject else entity)
        description = t("admin.history.hint", locale) if fields else t("admin.history.none", locale)
        card = Card(title, description, tuple(fields), color=COLORS["list"])
        return AdminAnswer(Reply((card,), ephemeral=True))

    def autocomplete(self, source: str, current: str, locale: str) -> list[Choice]:
        """Attributes, sources, milestones or kinds matching what was typed (entities are the
        `Briefer`'s); at most Discord's 25, each name at most 100 characters."""
        typed = current.strip().lower()
        if source == ATTRIBUTE:
            found = [
                Choice(f"{a.label(locale)} ({a.id})", a.id)
                for a in self.store.attributes()
                if typed in a.id or typed in a.label_ko.lower() or typed in a.label_en.lower()
            ]
        elif source == SOURCE:
            found = [
                Choice(f"{s.publisher} · {s.title}", s.id)
                for s in self.store.sources(limit=200)
                if typed in f"{s.id} {s.publisher} {s.title}".lower()
            ]
        elif source == MILESTONE:
            found = [
                Choice(
                    f"#{m['id']} {m['date_text']} · {m['title_ko']} · {m['entity_name']}",
                    str(m["id"]),
                )
                for m in self.store.find_milestones(current, AUTOCOMPLETE_LIMIT)
            ]
        elif source == KIND:
            found = [
                Choice(f"{kind} · {t('kind.' + kind, locale)}", kind)
                for kind in ENTITY_KINDS
                if typed in kind or typed in t("kind." + kind, locale).lower()
            ]
        else:
            found = []
        return [Choice(c.name[:CHOICE_NAME_MAX], c.value) for c in found[:AUTOCOMPLETE_LIMIT]]

    # -- forms -------------------------------------------------------------------------

    def form(self, kind: str, key: str, actor: Actor, locale: str) -> Form | Reply:
        """The form for editing a milestone (`key` its id) or an entity's one statement of
        an attribute (`key` "entity|attribute"), prefilled; or why it cannot be edited."""
        if not may_edit_facts(self.config, actor):
            return error_reply(t("admin.refused", locale), locale)
        try:
            revision = self.store.revision()
            if kind == "milestone":
                shown = _milestone_shown(self.store.milestone(int(key)))
                return Form(kind, key, revision, t("admin.form.milestone", locale, id=key), (
                    FormField("title", t("opt.title", locale), shown["title"], TITLE_MAX, True),
                    FormField("title_en", t("opt.title_en", locale), shown["title_en"], TITLE_MAX),
                    FormField("date", t("opt.date", locale), shown["date"], NAME_MAX, True),
                    FormField("source", t("opt.source", locale), shown["source"], URL_MAX, True),
                    FormField("reason", t("opt.reason", locale), "", REASON_MAX, long=True),
                ))  # fmt: skip
            entity_id, attribute_id, statements = self.store.current_statements(*key.split("|", 1))
            key = f"{entity_id}|{attribute_id}"  # ids are short enough for a custom_id
            if len(statements) > 1:
                return error_reply(t("admin.form.several", locale, count=len(statements)), locale)
            value, value_en, source = "", "", ""
            if statements:
                row = statements[0]
                linked = row["value_entity"] and self.store.entity_ref(row["value_entity"])
                value = _statement_text(row, linked.name_ko if linked else None)
                value_en, source = row["value_text_en"] or "", ", ".join(row["sources"])
            return Form(kind, key, revision, t("admin.form.fact", locale), (
                FormField("value", t("opt.value", locale), value, FACT_TEXT_MAX, True, long=True),
                FormField("value_en", t("opt.value_en", locale), value_en, FACT_TEXT_MAX, long=True),
                FormField("source", t("opt.source", locale), source, URL_MAX, True),
                FormField("reason", t("opt.reason", locale), "", REASON_MAX, long=True),
            ))  # fmt: skip
        except (InvalidInput, ValueError) as exc:
            message = exc.message(locale) if isinstance(exc, InvalidInput) else str(exc)
            return error_reply(message, locale)

    def submit(
        self, kind: str, key: str, revision: int, values: dict[str, str], actor: Actor, locale: str
    ) -> AdminAnswer:
        """Apply a submitted form, refused if what it edits changed after `revision`."""
        if not may_edit_facts(self.config, actor):
            return AdminAnswer(error_reply(t("admin.refused", locale), locale))
        reason = values.get("reason") or None
        try:
            if kind == "milestone":
                shown = _milestone_shown(self.store.milestone(int(key)))
                # A modal sends every field back; a field left as shown is no edit (an
                # untouched "12월 말" read again against today would move a year).
                edited = {
                    name: values[name]
                    for name, value in shown.items()
                    if name in values and values[name] != value
                }
                return self._milestone_update(
                    actor=actor, locale=locale, milestone=int(key), title=edited.get("title"),
                    date=edited.get("date"), source=edited.get("source"),
                    title_en=edited.get("title_en"), reason=reason, expected_revision=revision,
                )  # fmt: skip
            entity, attribute, current = self.store.current_statements(*key.split("|", 1))
            result = self.store.set_fact(
                entity=entity, attribute=attribute, value=values.get("value", ""),
                source=values.get("source", ""), actor=actor.label, reason=reason,
                text_en=values.get("value_en") or None,
                replaces=current[0]["id"] if len(current) == 1 else None,
                expected_revision=revision, today=self.today(),
            )  # fmt: skip
            return self._done(result, actor, reason, locale)
        except InvalidInput as exc:
            return AdminAnswer(error_reply(exc.message(locale), locale))
