"""`AdminDesk`: answers the admin commands for any front end, checking trust first.

Every change goes through one `FactStore` edit (one transaction, one revision); the
desk only checks who asks, turns options into that call and its result into a reply,
plus the card an audit channel may echo. Forms are the multi-field edits (a modal
where the front end has one): built from the current rows with the revision they were
read at, so a form submitted after someone else's change is refused rather than
overwriting it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.admin.specs import ADMIN_COMMANDS, ATTRIBUTE, ENTITY_KINDS, KIND, MILESTONE, SOURCE
from bot.briefing.answers import (
    COMPLETION_LIMIT,
    Choice,
    Invocation,
    error_reply,
    unknown_command_reply,
)
from bot.briefing.commands import OptionError, validate_options
from bot.briefing.model import Answer, Card, Form, FormField, Reply, Section, line, prose
from bot.i18n import t
from bot.trust import Actor, TrustRules, may_edit_facts
from store.changeset import EditResult, revision_summary
from store.errors import InvalidInput
from store.fact_store import FactStore
from store.limits import FACT_TEXT_MAX, NAME_MAX, REASON_MAX, TITLE_MAX, URL_MAX

READ_ONLY = frozenset({"fact history"})
HISTORY_SHOWN = 10
# Options of `milestone update` that change something; without any, it opens the form.
UPDATE_FIELDS = ("title", "date", "source", "title_en")


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
        "source": ", ".join(row["sources"]),
    }


class AdminDesk:
    """Answers `/fact`, `/milestone`, `/entity`, `/alias` and `/source`."""

    def __init__(
        self, store: FactStore, rules: TrustRules, today: Callable[[], date] = date.today
    ) -> None:
        self.store = store
        self.rules = rules
        self.today = today
        self._handlers: dict[str, Callable[..., Answer]] = {
            "fact set": self._fact_set,
            "fact retire": self._fact_retire,
            "fact history": self._fact_history,
            "fact edit": self._fact_edit,
            "fact revert": self._fact_revert,
            "milestone add": self._milestone_add,
            "milestone update": self._milestone_update,
            "milestone done": self._milestone_done,
            "milestone cancel": self._milestone_cancel,
            "entity add": self._entity_add,
            "alias add": self._alias_add,
            "source add": self._source_add,
        }

    def answer(self, invocation: Invocation) -> Answer:
        """Check trust and options, make the change, say what changed (or why not)."""
        locale, actor = invocation.locale, invocation.actor
        command = ADMIN_COMMANDS.get(invocation.command)
        if command is None:
            return Answer(unknown_command_reply(invocation.command, ADMIN_COMMANDS, locale))
        if command.name not in READ_ONLY and not may_edit_facts(self.rules, actor):
            return Answer(error_reply(t("admin.refused", locale), locale, refused=True))
        try:
            values = validate_options(command, invocation.options)
            return self._handlers[command.name](actor=actor, locale=locale, **values)
        except (OptionError, InvalidInput) as exc:
            return Answer(error_reply(exc.message(locale), locale))

    # -- changes -----------------------------------------------------------------------

    def _done(self, result: EditResult, actor: Actor, reason: str | None, locale: str) -> Answer:
        """A private confirmation with the way back, and the audit card."""
        summary = result.summary(locale)
        undo = t("admin.undo", locale, revision=result.revision)
        card = Card(
            t("admin.done", locale, revision=result.revision),
            (line(summary),),
            (Section(t("admin.undo.title", locale), (prose(undo),), role="hint"),),
        )
        lines = [summary, t("admin.by", locale, actor=actor.label)]
        if reason:
            lines.append(t("admin.why", locale, reason=reason))
        audit = Card(
            t("admin.audit", locale, revision=result.revision), tuple(line(x) for x in lines)
        )
        return Answer(Reply((card,), private=True), Reply((audit,)))

    def _fact_set(self, *, actor: Actor, locale: str, entity: str, attribute: str, value: str,
                  source: str, reason: str | None, value_en: str | None, unit: str | None,
                  label: str | None, replaces: int | None, add: bool) -> Answer:  # fmt: skip
        result = self.store.set_fact(
            entity=entity, attribute=attribute, value=value, source=source, actor=actor.label,
            reason=reason, unit=unit, text_en=value_en, label_ko=label, replaces=replaces,
            add=add, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _fact_retire(self, *, actor: Actor, locale: str, entity: str, attribute: str,
                     reason: str) -> Answer:  # fmt: skip
        result = self.store.retire_fact(
            entity=entity, attribute=attribute, reason=reason, actor=actor.label
        )
        return self._done(result, actor, reason, locale)

    def _fact_revert(self, *, actor: Actor, locale: str, revision: int,
                     reason: str | None) -> Answer:  # fmt: skip
        result = self.store.revert(revision, actor=actor.label, reason=reason)
        return self._done(result, actor, reason, locale)

    def _milestone_add(self, *, actor: Actor, locale: str, program: str, title: str, date: str,
                       source: str, title_en: str | None, reason: str | None) -> Answer:  # fmt: skip
        result = self.store.add_milestone(
            entity=program, title=title, date=date, source=source, actor=actor.label,
            title_en=title_en, reason=reason, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _milestone_update(self, *, actor: Actor, locale: str, milestone: int, title: str | None,
                          date: str | None, source: str | None, title_en: str | None,
                          reason: str | None, expected_revision: int | None = None) -> Answer:  # fmt: skip
        if expected_revision is None and not any((title, date, source, title_en)):
            return self._form_answer("milestone", str(milestone), actor, locale)
        result = self.store.update_milestone(
            milestone, actor=actor.label, title=title, title_en=title_en, date=date,
            source=source, reason=reason, expected_revision=expected_revision, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _milestone_status(self, status: str, actor: Actor, locale: str, milestone: int,
                          reason: str | None) -> Answer:  # fmt: skip
        result = self.store.set_milestone_status(
            milestone, status, actor=actor.label, reason=reason
        )
        return self._done(result, actor, reason, locale)

    def _milestone_done(self, *, actor: Actor, locale: str, milestone: int,
                        reason: str | None) -> Answer:  # fmt: skip
        return self._milestone_status("done", actor, locale, milestone, reason)

    def _milestone_cancel(self, *, actor: Actor, locale: str, milestone: int,
                          reason: str | None) -> Answer:  # fmt: skip
        return self._milestone_status("cancelled", actor, locale, milestone, reason)

    def _entity_add(self, *, actor: Actor, locale: str, kind: str, name_ko: str, source: str,
                    name_en: str | None, acronym: str | None, aliases: str | None,
                    summary: str | None, summary_en: str | None, reason: str | None) -> Answer:  # fmt: skip
        result = self.store.add_entity(
            kind=kind, name_ko=name_ko, source=source, actor=actor.label, name_en=name_en,
            acronym=acronym, aliases=aliases or (), summary_ko=summary, summary_en=summary_en,
            reason=reason,
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    def _alias_add(self, *, actor: Actor, locale: str, entity: str, alias: str,
                   reason: str | None) -> Answer:  # fmt: skip
        result = self.store.add_alias(entity=entity, alias=alias, actor=actor.label, reason=reason)
        return self._done(result, actor, reason, locale)

    def _source_add(self, *, actor: Actor, locale: str, title: str, publisher: str,
                    published: str, url: str | None, title_en: str | None,
                    reason: str | None) -> Answer:  # fmt: skip
        result = self.store.add_source(
            title=title, publisher=publisher, published=published, actor=actor.label, url=url,
            title_en=title_en, reason=reason, today=self.today(),
        )  # fmt: skip
        return self._done(result, actor, reason, locale)

    # -- reading -----------------------------------------------------------------------

    def _fact_history(self, *, actor: Actor, locale: str, entity: str,
                      attribute: str | None) -> Answer:  # fmt: skip
        """Revisions with ids, who, when, why and old → new, newest first."""
        revisions = self.store.history(entity, attribute, limit=HISTORY_SHOWN)
        sections = []
        for revision in revisions:
            lines = [revision_summary(revision, locale) or revision.action]
            if revision.reason:
                lines.append(t("admin.why", locale, reason=revision.reason))
            lines += [self.store.describe_change(c, locale) for c in revision.changes]
            name = f"#{revision.id} · {revision.at[:16].replace('T', ' ')} UTC · {revision.actor}"
            sections.append(Section(name, tuple(line(text) for text in lines)))
        subject = self.store.resolve(entity).entity
        title = t("admin.history", locale, name=subject.name(locale) if subject else entity)
        lead = t("admin.history.hint" if sections else "admin.history.none", locale)
        card = Card(title, (prose(lead),), tuple(sections))
        return Answer(Reply((card,), private=True))

    def _fact_edit(self, *, actor: Actor, locale: str, entity: str, attribute: str) -> Answer:
        return self._form_answer("fact", f"{entity}|{attribute}", actor, locale)

    def _form_answer(self, kind: str, key: str, actor: Actor, locale: str) -> Answer:
        """A form command's answer: the form, and its contents in words for front ends
        that cannot show a form (with the command that makes the same change)."""
        form = self.form(kind, key, actor, locale)
        if isinstance(form, Reply):
            return Answer(form)
        lines = tuple(
            line(f"{field.label}: {field.value or '-'}") for field in form.fields if field.value
        )
        entity, _, attribute = form.key.partition("|")
        how = t(
            f"admin.form.{kind}.command", locale, id=form.key, entity=entity, attribute=attribute
        )
        card = Card(
            form.title, lines, (Section(t("admin.form.how", locale), (line(how),), "hint"),)
        )
        return Answer(Reply((card,), private=True), form=form)

    def autocomplete(
        self, source: str, current: str, locale: str, limit: int = COMPLETION_LIMIT
    ) -> list[Choice]:
        """Attributes, sources, milestones or kinds matching what was typed (entities are the
        `Briefer`'s), at most `limit`."""
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
            try:
                milestones = self.store.find_milestones(current, limit)
            except InvalidInput:  # text that is no text (a lone surrogate): nothing matches
                milestones = []
            found = [
                Choice(
                    f"#{m['id']} {m['date_text']} · {m['title_ko']} · {m['entity_name']}",
                    str(m["id"]),
                )
                for m in milestones
            ]
        elif source == KIND:
            found = [
                Choice(f"{kind} · {t('kind.' + kind, locale)}", kind)
                for kind in ENTITY_KINDS
                if typed in kind or typed in t("kind." + kind, locale).lower()
            ]
        else:
            found = []
        return found[:limit]

    # -- forms -------------------------------------------------------------------------

    def form(self, kind: str, key: str, actor: Actor, locale: str) -> Form | Reply:
        """The form for editing a milestone (`key` its id) or an entity's one statement of
        an attribute (`key` "entity|attribute"), prefilled; or why it cannot be edited."""
        if not may_edit_facts(self.rules, actor):
            return error_reply(t("admin.refused", locale), locale, refused=True)
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
            key = f"{entity_id}|{attribute_id}"  # ids are short enough to travel with a form
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
    ) -> Answer:
        """Apply a submitted form, refused if what it edits changed after `revision` (or
        if `revision` is one the store has not reached: a form cannot come from the future)."""
        if not may_edit_facts(self.rules, actor):
            return Answer(error_reply(t("admin.refused", locale), locale, refused=True))
        if revision > self.store.revision():
            return Answer(error_reply(t("admin.form.forged", locale), locale))
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
            return Answer(error_reply(exc.message(locale), locale))
