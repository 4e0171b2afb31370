"""`Reply` → Slack Block Kit messages, modals and the App Home tab, always within Slack's limits.

The Slack side of the platform contract: how each element of a reply looks here (a header
per card, mrkdwn sections, sources and hints as context blocks, `<url|text>` links,
`<#C…>` channels, page and pick buttons whose `value` carries the follow-up command) and
every limit of Slack's, enforced once for every answer: 50 blocks and a character budget
of blocks JSON per message (Slack refuses a long block set as `msg_blocks_too_long`, not
only a numerous one), 3000 characters of section text, 150 of header, 24 of modal title,
3000 of `private_metadata`, 75 of button text, 2000 of button value, 3000 of a link
button's URL (a web link: the answer's page or calendar feed).

Nothing from the store can ping or turn into markup: `&`, `<` and `>` are escaped
everywhere (so `<!everyone>`, `<!here>`, `<@U…>` and `<!subteam^…>` show as text), every
mrkdwn object is `verbatim` (Slack parses no bare `@here` or `#channel` in it; URLs are
made links here instead), Slack's emphasis marks in store text are replaced by
look-alikes (Slack has no escape for them), and no payload sets `link_names`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from bot.briefing.answers import Choice
from bot.briefing.model import (
    Card,
    FollowUp,
    Form,
    Line,
    Reply,
    Section,
    Span,
    plain_text,
    prose,
)
from bot.i18n import t
from bot.ids import slack as ids
from bot.render.fitting import cut, pack_lines, render_line

BLOCKS_PER_MESSAGE = 50
BLOCKS_PER_VIEW = 100
SECTION_TEXT_MAX = 3000
# Slack's documented maximum for a context element's text is 3000 as for any text object;
# sources and footers are cut well below it so a card's sources stay one readable block.
CONTEXT_TEXT_MAX = 2000
HEADER_MAX = 150
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
BUTTON_URL_MAX = 3000
BUTTONS_PER_BLOCK = 5
# Slack refuses a message whose blocks serialise to more than about 13,000 characters
# (`msg_blocks_too_long`; the exact figure is undocumented): this budget keeps a margin.
MESSAGE_BLOCKS_BUDGET = 12_000
# The notification text of a message: a summary, never the whole answer.
FALLBACK_MAX = 3000
MODAL_TITLE_MAX = 24
MODAL_BUTTON_MAX = 24
PRIVATE_METADATA_MAX = 3000
INPUT_LABEL_MAX = 2000
INPUT_TEXT_MAX = 3000
PLACEHOLDER_MAX = 150
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100

# What interactions carry back: action ids of buttons and selects, callback ids of views.
PAGE_ACTIONS = ("bb:page:previous", "bb:page:next")
PICK_ACTION = "bb:pick:{number}"
# A link button opens its URL in the browser; Slack still tells the app, which only acks.
LINK_ACTION = "bb:link:{number}"
NAME_ACTION = "bb:name"
NAME_BLOCK = "name"
FORM_CALLBACK = "bb:form"
NAME_CALLBACK = "bb:pick-name"
ERROR_ICON = ":warning: "

# Slack's emphasis marks have no escape in mrkdwn; in text from the store each is replaced
# by a character that looks the same and means nothing to Slack.
_MARKS = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})
_URL = re.compile(r"https?://[^\s<>|]+")


def escape(text: str) -> str:
    """`&`, `<` and `>` as Slack requires them in any text, so that nothing in `text` is
    read as a mention, a channel or a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link_target(url: str) -> str:
    """A URL safe inside `<…|…>`."""
    return escape(url).replace("|", "%7C").replace(" ", "%20")


def store_text(text: str) -> str:
    """Text shown as written in mrkdwn: escaped, emphasis marks neutralised, and URLs made
    explicit links (a verbatim text object links nothing by itself)."""
    out = []
    position = 0
    for match in _URL.finditer(text):
        out.append(escape(text[position : match.start()]).translate(_MARKS))
        out.append(f"<{_link_target(match.group())}>")
        position = match.end()
    out.append(escape(text[position:]).translate(_MARKS))
    return "".join(out)


def place_mention(place: str) -> str:
    """A channel as Slack shows it (`<#C…>`, a link that never pings); another front
    end's place by its id."""
    channel = ids.channel_of(place)
    return f"<#{channel}>" if channel is not None else store_text(place)


def _span(span: Span) -> str:
    if span.style == "code":  # inside code nothing is markup; a backtick would end it
        return f"`{escape(span.text.replace('`', 'ˋ'))}`"
    text = store_text(span.text)
    if span.link and span.link.startswith(("https://", "http://")):
        text = f"<{_link_target(span.link)}|{escape(span.text).translate(_MARKS)}>"
    if span.style == "strong":
        return f"*{text}*"
    if span.style == "emphasis":
        return f"_{text}_"
    return text


def inline_mrkdwn(parts: Line) -> str:
    """One line of a reply in Slack mrkdwn."""
    return render_line(parts, _span, place_mention)


def _fit(raw: str, limit: int) -> str:
    """`raw` escaped within `limit` characters, cutting the raw text (never an escape)."""
    shown = escape(raw)
    keep = len(raw)
    while len(shown) > limit:
        keep = min(keep - 1, keep * limit // len(shown))
        shown = escape(raw[:keep] + "…")
    return shown


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _fit(text, limit)}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _header(title: str, tone: str) -> dict[str, Any]:
    icon = ERROR_ICON if tone == "error" else ""
    return {"type": "header", "text": _plain(icon + title.strip(), HEADER_MAX)}


def _continued_header(card: Card, locale: str) -> dict[str, Any]:
    marker = f" {t('card.continued', locale)}"
    title = _fit(card.title.strip(), HEADER_MAX - len(marker))
    return {"type": "header", "text": {"type": "plain_text", "text": title + marker}}


def _section_blocks(section: Section) -> list[dict[str, Any]]:
    """A body section as mrkdwn sections (heading in bold first); sources and hints as
    context blocks, which Slack shows small and apart."""
    heading = section.heading.strip()
    lines = [text for text in map(inline_mrkdwn, section.lines) if text.strip()]
    if heading:
        lines.insert(0, f"*{store_text(heading)}*")
    if section.role == "body":
        return [
            {"type": "section", "text": _mrkdwn(c)} for c in pack_lines(lines, SECTION_TEXT_MAX)
        ]
    return [
        {"type": "context", "elements": [_mrkdwn(chunk)]}
        for chunk in pack_lines(lines, CONTEXT_TEXT_MAX)
    ]


def card_blocks(card: Card) -> list[dict[str, Any]]:
    """One card as blocks, each within its own limits (a message may need several)."""
    blocks = [_header(card.title, card.tone)] if card.title.strip() else []
    lead = [text for text in map(inline_mrkdwn, card.lead) if text.strip()]
    blocks += [{"type": "section", "text": _mrkdwn(c)} for c in pack_lines(lead, SECTION_TEXT_MAX)]
    for section in card.sections:
        blocks += _section_blocks(section)
    footer = inline_mrkdwn(card.footer).strip() if card.footer else ""
    if footer:
        blocks.append({"type": "context", "elements": [_mrkdwn(cut(footer, CONTEXT_TEXT_MAX))]})
    return blocks


def follow_up_value(follow_up: FollowUp) -> str:
    """A button's `value`: the command to run and its options, as JSON."""
    return json.dumps(
        {"command": follow_up.command, "options": [list(pair) for pair in follow_up.options]},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def read_follow_up(value: str) -> tuple[str, dict[str, Any]]:
    """The command and options a button's `value` carries; ValueError if it is not ours."""
    try:
        data = json.loads(value)
        command, pairs = data["command"], data["options"]
        options = {str(name): option for name, option in pairs}
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"not a follow-up: {value[:100]!r}") from exc
    if not isinstance(command, str):
        raise ValueError(f"not a follow-up: {value[:100]!r}")
    return command, options


def _button(label: str, action_id: str, follow_up: FollowUp) -> dict[str, Any] | None:
    """A button that runs `follow_up`, or None when its value would not fit (a cut value
    would ask something else)."""
    value = follow_up_value(follow_up)
    if len(value) > BUTTON_VALUE_MAX:
        return None
    return {
        "type": "button",
        "action_id": action_id,
        "text": _plain(label, BUTTON_TEXT_MAX),
        "value": value,
    }


def _link_buttons(reply: Reply) -> list[dict[str, Any]]:
    """The reply's web links (its page, its calendar feed) as buttons that open them; a
    link Slack would refuse (not http(s), too long) is left out, never cut."""
    links = [
        link
        for link in reply.links
        if link.link
        and link.link.startswith(("https://", "http://"))
        and len(link.link) <= BUTTON_URL_MAX
    ]
    return [
        {
            "type": "button",
            "action_id": LINK_ACTION.format(number=number),
            "text": _plain(link.text, BUTTON_TEXT_MAX),
            "url": link.link,
        }
        for number, link in enumerate(links[:BUTTONS_PER_BLOCK])
    ]


def action_blocks(reply: Reply) -> list[dict[str, Any]]:
    """Buttons: one block of picks (a name to choose), one of page turns, one of links."""
    blocks = []
    picks = [
        button
        for number, pick in enumerate(reply.suggestions[:BUTTONS_PER_BLOCK])
        if (button := _button(pick.label, PICK_ACTION.format(number=number), pick))
    ]
    if picks:
        blocks.append({"type": "actions", "elements": picks})
    pagination = reply.pagination
    turns = (pagination.previous, pagination.next) if pagination else (None, None)
    pages = [
        button
        for action_id, turn in zip(PAGE_ACTIONS, turns, strict=True)
        if turn is not None and (button := _button(turn.label, action_id, turn))
    ]
    if pages:
        blocks.append({"type": "actions", "elements": pages})
    links = _link_buttons(reply)
    if links:
        blocks.append({"type": "actions", "elements": links})
    return blocks


def _json_size(block: dict[str, Any]) -> int:
    """Characters `block` adds to a message's blocks JSON (with its separating comma)."""
    return len(json.dumps(block, ensure_ascii=False, separators=(",", ":"))) + 1


def _fallback(blocks: Sequence[dict[str, Any]], default: str) -> str:
    """A message's notification text: the titles it shows, in plain words."""
    titles = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    return cut(" · ".join(titles) or escape(default.strip()) or "-", FALLBACK_MAX)


class _Packer:
    """Fills messages with blocks up to the block count and the character budget."""

    def __init__(self) -> None:
        self.messages: list[list[dict[str, Any]]] = [[]]
        self.size = 2  # the brackets of the JSON list

    def fits(self, block: dict[str, Any]) -> bool:
        current = self.messages[-1]
        return len(current) < BLOCKS_PER_MESSAGE and self.size + _json_size(block) <= (
            MESSAGE_BLOCKS_BUDGET
        )

    def new_message(self) -> None:
        self.messages.append([])
        self.size = 2

    def add(self, block: dict[str, Any]) -> None:
        self.messages[-1].append(block)
        self.size += _json_size(block)


def reply_messages(reply: Reply, locale: str) -> list[dict[str, Any]]:
    """The messages to send for a reply, in order: each `{"text", "blocks"}` within every
    limit of one Slack message; a card split across messages is titled again, continued."""
    packer = _Packer()
    for card in reply.cards:
        if packer.messages[-1]:
            divider = {"type": "divider"}
            if not packer.fits(divider):
                packer.new_message()
            else:
                packer.add(divider)
        for number, block in enumerate(card_blocks(card)):
            if not packer.fits(block):
                packer.new_message()
                if number:
                    packer.add(_continued_header(card, locale))
            packer.add(block)
    for block in action_blocks(reply):
        if not packer.fits(block):
            packer.new_message()
        packer.add(block)
    title = reply.cards[0].title if reply.cards else ""
    filled = [blocks for blocks in packer.messages if blocks] or [[]]
    return [
        {"text": _fallback(blocks, title), **({"blocks": blocks} if blocks else {})}
        for blocks in filled
    ]


def _metadata(data: dict[str, Any]) -> str | None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= PRIVATE_METADATA_MAX else None


def _modal(
    callback_id: str,
    title: str,
    submit: str,
    locale: str,
    blocks: list[dict[str, Any]],
    metadata: dict[str, Any],
) -> dict[str, Any] | None:
    private = _metadata(metadata)
    if private is None:
        return None
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, MODAL_TITLE_MAX),
        "submit": _plain(submit, MODAL_BUTTON_MAX),
        "close": _plain(t("slack.modal.close", locale), MODAL_BUTTON_MAX),
        "private_metadata": private,
        "blocks": blocks,
    }


def form_view(form: Form, locale: str, context: dict[str, Any]) -> dict[str, Any] | None:
    """A `Form` as a modal of prefilled text inputs (one block per field, named as the
    field), its `private_metadata` carrying what it edits, as of which revision, plus the
    adapter's `context`; None if that would not fit (the reply in words is shown instead)."""
    blocks = []
    for field in form.fields:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": field.name,
            "multiline": field.long,
            "max_length": min(field.max_length, INPUT_TEXT_MAX),
        }
        if field.value:
            element["initial_value"] = field.value[: element["max_length"]]
        blocks.append(
            {
                "type": "input",
                "block_id": field.name,
                "label": _plain(field.label, INPUT_LABEL_MAX),
                "optional": not field.required,
                "element": element,
            }
        )
    metadata = {"kind": form.kind, "key": form.key, "revision": form.revision, **context}
    submit = t("slack.form.submit", locale)
    return _modal(FORM_CALLBACK, form.title, submit, locale, blocks, metadata)


def name_picker_view(command: str, locale: str, context: dict[str, Any]) -> dict[str, Any] | None:
    """A modal to find a program or an institution by name: an `external_select` whose
    options the app suggests as the user types (Korean, English, acronym, 초성, typo)."""
    select = {
        "type": "external_select",
        "action_id": NAME_ACTION,
        "min_query_length": 1,
        "placeholder": _plain(t("slack.pick.placeholder", locale), PLACEHOLDER_MAX),
    }
    block = {
        "type": "input",
        "block_id": NAME_BLOCK,
        "label": _plain(t(f"cmd.{command}.name", locale), INPUT_LABEL_MAX),
        "element": select,
    }
    title = t(f"slack.pick.{command}", locale)
    submit = t("slack.pick.submit", locale)
    return _modal(NAME_CALLBACK, title, submit, locale, [block], {"command": command, **context})


def options_payload(choices: Sequence[Choice]) -> dict[str, Any]:
    """An external select's options (a `block_suggestion` ack), within Slack's limits; a
    choice whose value would not fit is left out rather than cut."""
    options = [
        {"text": _plain(choice.name, OPTION_TEXT_MAX), "value": choice.value}
        for choice in choices
        if 0 < len(choice.value) <= OPTION_VALUE_MAX
    ]
    return {"options": options[:OPTIONS_MAX]}


def home_view(replies: Sequence[Reply], locale: str) -> dict[str, Any]:
    """The App Home tab: the cards of `replies` one after another, at most 100 blocks (the
    last ones give way to a note that there is more)."""
    blocks: list[dict[str, Any]] = []
    for reply in replies:
        for card in reply.cards:
            if blocks:
                blocks.append({"type": "divider"})
            blocks += card_blocks(card)
    if len(blocks) > BLOCKS_PER_VIEW:
        more = {
            "type": "context",
            "elements": [_mrkdwn(inline_mrkdwn(prose(t("slack.home.more", locale))))],
        }
        blocks = [*blocks[: BLOCKS_PER_VIEW - 1], more]
    return {"type": "home", "blocks": blocks}


def error_text(reply: Reply) -> str:
    """A reply's words as one plain line (a modal's field error shows no blocks)."""
    card = reply.cards[0]
    return " ".join(plain_text(parts) for parts in card.lead) or card.title
