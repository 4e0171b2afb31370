"""Text normalisation for Korean-first name matching and search.

Input can arrive in NFD (macOS keyboards, some chat clients), with odd spacing or
with typographic quotes. Everything that compares names goes through `name_key`, so
`국가AI연구거점`, `국가 AI 연구거점` and an NFD-decomposed copy all compare equal.

Invisible characters are removed, not refused: zero-width spaces and joiners, bidi
controls, soft hyphens, the Hangul fillers (Unicode's default-ignorable code points,
variation selectors aside). Nobody can see them, so a refusal would bounce a name
pasted from a web page that looks exactly right; kept, they would make look-alikes
(`E\u200bTRI` shown as ETRI but never found) and let a bidi override show a name
reversed. Removed on the way in (`nfc`) and when comparing (`name_key`), text shows
what is stored and `E\u200bTRI` finds ETRI.
"""

from __future__ import annotations

import re
import unicodedata

_HANGUL_FIRST = 0xAC00
_HANGUL_LAST = 0xD7A3
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_COMPAT_CONSONANTS = frozenset("ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")
# Characters that carry no meaning in a name: spacing, quotes, brackets, dots, dashes.
_NAME_NOISE = re.compile(r"[\s\"'‘’“”「」『』()\[\]{}<>·・.,、:;!?\-–—_/]+")
_SPACES = re.compile(r"\s+")
# Between two letters or digits of a spaced script (not Hangul: `[^\W_]` is a letter or
# digit), a run of noise with a separator in it (a space, `/`, `,`, `·`, brackets) is a word
# boundary; one of only joiners (`A.X`, `K-EXAONE`, `LG's`) is not, nor a thousands comma.
_SPACED = r"[^\W_\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"
_SEPARATORS = r"\s\"‘“”「」『』()\[\]{}<>·・,、:;!?–—/"
_JOINERS = r".\-'’_"
_WORD_BREAK = re.compile(
    rf"(?<={_SPACED})(?!(?<=\d),\d)[{_JOINERS}]*[{_SEPARATORS}][{_SEPARATORS}{_JOINERS}]*(?={_SPACED})"
)

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\x00]"
)


def visible(text: str) -> str:
    """`text` without invisible characters (see above) and NUL, which SQLite's FTS5
    rejects in MATCH and no name contains."""
    return _INVISIBLE.sub("", text)


def nfc(text: str) -> str:
    """Return `text` visible, in NFC, with runs of whitespace folded to one space and trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", visible(text))).strip()


def name_key(text: str) -> str:
    """The form two names are compared in: visible, NFC, case-folded, without spaces or punctuation."""
    return _NAME_NOISE.sub("", unicodedata.normalize("NFC", visible(text)).casefold())


def search_key(text: str) -> str:
    """The form search documents are matched in: `name_key`, but where a space or a
    separating mark (`/`, `,`, `·`, …) stands between two words of a spaced script (Latin
    letters, digits), one space stays (a thousands comma, `2,136`, does not separate).

    `name_key` joins everything, which is right for names but lets a query match across a
    word boundary: `GPU` would be found in "linkin**g pu**blic". Marks inside a word
    (`A.X`, `K-EXAONE`) still join it, and Korean spacing is loose (`연구 거점` /
    `연구거점`, `946억 원`), so spaces next to Hangul still go. The kept boundary is marked
    with NUL (never in a text: `visible` drops it) while the noise goes, then becomes a space.
    """
    folded = unicodedata.normalize("NFC", visible(text)).casefold()
    return _NAME_NOISE.sub("", _WORD_BREAK.sub("\x00", folded)).replace("\x00", " ")


def jamo(text: str) -> str:
    """Decompose Hangul syllables into conjoining jamo (NFKD), for typo-tolerant scoring.

    A one-letter slip inside a syllable (연구거점 → 연구거정) then costs one jamo out of
    many instead of a whole syllable, which is what makes fuzzy scores useful in Korean.
    """
    return unicodedata.normalize("NFKD", name_key(text))


def is_choseong_query(text: str) -> bool:
    """True when `text` is made only of compatibility consonants, e.g. `ㄱㄱㅇ`."""
    stripped = text.replace(" ", "")
    return bool(stripped) and all(ch in _COMPAT_CONSONANTS for ch in stripped)


def choseong(text: str) -> str:
    """Initial consonants of every Hangul syllable in `name_key(text)`; other letters kept.

    `국가 AI 연구거점` → `ㄱㄱaiㅇㄱㄱㅈ`, so users can autocomplete by typing `ㅇㄱㄱㅈ`.
    """
    out = []
    for ch in name_key(text):
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            out.append(_CHOSEONG[(code - _HANGUL_FIRST) // 588])
        else:
            out.append(ch)
    return "".join(out)


def is_hangul(ch: str) -> bool:
    """True for a precomposed Hangul syllable."""
    return _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST
