"""Text normalisation for Korean-first name matching and search.

Input can arrive in NFD (macOS keyboards, some chat clients), with odd spacing or
with typographic quotes. Everything that compares names goes through `name_key`, so
`국가AI연구거점`, `국가 AI 연구거점` and an NFD-decomposed copy all compare equal.
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
# Punctuation that joins the parts of one word (`A.X`, `K-EXAONE`, `LG's`); any other noise
# between two Latin words (a space, `/`, `,`, `·`, brackets) separates them.
_WORD_JOINERS = frozenset(".-'’_")


def nfc(text: str) -> str:
    """Return `text` in NFC with runs of whitespace folded to one space and trimmed."""
    # NUL is dropped: no name contains one, and SQLite's FTS5 rejects it in MATCH.
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text.replace("\x00", ""))).strip()


def name_key(text: str) -> str:
    """The form two names are compared in: NFC, case-folded, without spaces or punctuation."""
    return _NAME_NOISE.sub("", unicodedata.normalize("NFC", text.replace("\x00", "")).casefold())


def search_key(text: str) -> str:
    """The form search documents are matched in: `name_key`, but where a space or a
    separating mark (`/`, `,`, `·`, …) stands between two words of a spaced script (Latin
    letters, digits), one space stays (a thousands comma, `2,136`, does not separate).

    `name_key` joins everything, which is right for names but lets a query match across a
    word boundary: `GPU` would be found in "linkin**g pu**blic". Marks inside a word
    (`A.X`, `K-EXAONE`) still join it, and Korean spacing is loose (`연구 거점` /
    `연구거점`, `946억 원`), so spaces next to Hangul still go.
    """
    folded = unicodedata.normalize("NFC", text.replace("\x00", "")).casefold()

    def joint(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        if start == 0 or end == len(folded):
            return ""
        before, after = folded[start - 1], folded[end]
        thousands = match.group() == "," and before.isdigit() and after.isdigit()
        keep = (
            not thousands
            and not _WORD_JOINERS.issuperset(match.group())
            and _spaced_script(before)
            and _spaced_script(after)
        )
        return " " if keep else ""

    return _NAME_NOISE.sub(joint, folded)


def _spaced_script(ch: str) -> bool:
    """True for a letter or digit of a script that separates words with spaces (not Hangul)."""
    code = ord(ch)
    hangul = is_hangul(ch) or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F
    return ch.isalnum() and not hangul


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
