"""Evasion-resistant text normalization: the one view of a comment that lexicons are matched on.

A comment becomes a *stream*: its words, normalized and joined by single spaces, with a space at
each end (``" you are a fuck "``). Terms of space-delimited languages are matched padded with
spaces (``" fuck "``), so they only ever hit whole words (no Scunthorpe problem: "class",
"assessment" and "Scunthorpe" pass); terms of scripts written without spaces (Chinese, Japanese,
Thai, ...) are matched as substrings. The same function normalizes lexicon terms, so both sides
always agree.

In order, each step a C-speed pass over the whole text (the common, clean comment never runs a
Python loop):

1. Unicode NFKC (full/half width, ligatures, compatibility forms) and case folding.
2. One ``str.translate`` table: zero-width, bidi and other format characters, Arabic tatweel and
   harakat removed; Arabic letter variants unified; confusable Cyrillic/Greek/Latin homoglyphs
   mapped to their Latin skeleton (UTS #39 style); Traditional Chinese mapped to Simplified
   (OpenCC ``t2s``, character level).
3. Single letters separated by punctuation (``f.u.c.k``, ``傻@逼``) or 3+ single letters separated
   by spaces (``f u c k``) are joined.
4. Leetspeak (``sh1t``, ``f@ck``, ``$hit``) in words that hold letters and do not end in a digit,
   so model numbers ("Galaxy A55", "RTX4090") and prices stay as they are.
5. Words are joined by single spaces; a boundary between a space-less script and another script
   becomes a space, a space between two space-less-script runs disappears (``傻 逼``).
6. A word with a character repeated three times or more (``fuuuuck``) is collapsed to single
   letters and marked with ``ELONGATED``; lexicon keys carry the same form, so an innocent word
   with a double letter ("good") never meets a collapsed bad word ("god").

Masking does not need a character map: ``locate`` finds the shortest span of the original text
whose stream still holds a key, so everything else in the comment is kept as written.
"""

from __future__ import annotations

import re
import unicodedata

import opencc

ELONGATED = "\x01"
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)

# UTS #39 confusables that matter for evasion: lower-case Cyrillic and Greek letters that look like
# Latin ones (upper case is folded first), plus Latin small capitals and IPA look-alikes.
_CONFUSABLES = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "һ": "h",
    "ӏ": "l",
    "ү": "y",
    "ь": "b",
    "п": "n",
    "г": "r",
    # Greek
    "α": "a",
    "β": "b",
    "γ": "y",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "μ": "u",
    "ϲ": "c",
    "ϳ": "j",
    "ς": "c",
    "σ": "o",
    # Latin look-alikes, small capitals and IPA
    "ı": "i",
    "ȷ": "j",
    "ɑ": "a",
    "ɩ": "i",
    "ʋ": "u",
    "ɒ": "a",
    "ɡ": "g",
    "ᴄ": "c",
    "ᴏ": "o",
    "ꜱ": "s",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ᴢ": "z",
    "ʀ": "r",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴋ": "k",
    "ʟ": "l",
    "ɴ": "n",
    "ᴘ": "p",
    "ᴛ": "t",
    "ʏ": "y",
    "ʙ": "b",
    "ᴅ": "d",
    "ᴇ": "e",
    "ꜰ": "f",
    "ᴊ": "j",
    "ᴍ": "m",
}
_ARABIC = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"}

# Scripts written without spaces between words: their terms match as substrings.
CONTINUOUS_CLASS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK
    "\uac00-\ud7af"  # Hangul
    "\U00020000-\U0003ffff"  # CJK extensions B+
)
_MARKS = "\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0ecb-\u0ecd\u3099\u309a"
_LEET_SYMBOLS = "@$!|+"
_ONE_LETTER_WORDS = frozenset("aiuy")


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in [*range(0x30000), *range(0xE0000, 0xE0080)]:
        if 0xD800 <= code <= 0xDFFF:
            continue
        if unicodedata.category(chr(code)) == "Cf" or code in (
            0x034F,
            0x115F,
            0x1160,
            0x3164,
            0xFFA0,
            0x0640,
        ):
            table[code] = None  # zero-width, joiners, bidi controls, soft hyphen, tags, fillers, tatweel
    for code in [*range(0x064B, 0x0660), 0x0670]:
        table[code] = None  # Arabic harakat
    for src, dst in {**_CONFUSABLES, **_ARABIC}.items():
        table[ord(src)] = dst
    table[ord("_")] = " "  # a separator, although regular expressions count it as a word character
    # Traditional -> Simplified, character by character (one OpenCC call for the whole range).
    converter = opencc.OpenCC("t2s")
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        chars = [chr(c) for c in range(lo, hi + 1)]
        converted = converter.convert("\n".join(chars)).split("\n")
        if len(converted) == len(chars):
            for src, dst in zip(chars, converted, strict=True):
                if len(dst) == 1 and dst != src:
                    table[ord(src)] = dst
    return table


_TABLE = _build_table()
_TABLE_KEEP_UNDERSCORE = {k: v for k, v in _TABLE.items() if k != ord("_")}
_W = f"\\w{_MARKS}"  # word characters (letters, digits, combining marks)
_WORD_RE = re.compile(f"[{_W}{re.escape(_LEET_SYMBOLS)}]+")
# one word character, then 1+ groups of (punctuation run, one word character), not inside a word
_TIGHT_SINGLES_RE = re.compile(f"(?<![{_W}])[{_W}](?:[^{_W}\\s]+[{_W}])+(?![{_W}])")
_SPACED_SINGLES_RE = re.compile(f"(?<![{_W}\\S])[{_W}](?: [{_W}](?![{_W}])){{2,}}")
_NON_WORD_RE = re.compile(f"[^{_W}]+")
_LEETY_RE = re.compile(f"[^\\W\\d_][\\d{re.escape(_LEET_SYMBOLS)}]|[\\d@$][^\\W\\d_]")
# one cheap pass that tells whether any of the rarer steps (3, 4, 6) has work to do
_SUSPECT_RE = re.compile(f"[\\d{re.escape(_LEET_SYMBOLS)}]|\\b\\w[^\\w\\s]+\\w\\b|\\b\\w \\w \\w\\b|(.)\\1\\1")
_CONT = f"[{CONTINUOUS_CLASS}]"
_CONT_GAP_RE = re.compile(f"({_CONT})[^{_W}]+(?={_CONT})")
_SCRIPT_EDGE_RE = re.compile(f"({_CONT})(?=[^\\s{CONTINUOUS_CLASS}])|([^\\s{CONTINUOUS_CLASS}])(?={_CONT})")
_RUN3_RE = re.compile(r"(\w)\1\1")
_RUN_RE = re.compile(r"(.)\1+")
_ELONGATED_WORD_RE = re.compile(r"[^ ]*(\w)\1\1[^ ]*")


def _join_singles(match: re.Match[str]) -> str:
    return _NON_WORD_RE.sub("", match.group())


def _join_spaced(match: re.Match[str]) -> str:
    """``f u c k`` -> ``fuck``; a leading one-letter word stays apart (``a b i t c h`` -> ``a bitch``)."""
    letters = match.group().split(" ")
    if len(letters) >= 5 and letters[0] in _ONE_LETTER_WORDS:
        return letters[0] + " " + "".join(letters[1:])
    return "".join(letters)


def _deleet(match: re.Match[str]) -> str:
    word = match.group().rstrip("!|")
    if not word or word[-1].isdigit() or word.isalpha() or not any(c.isalpha() for c in word):
        return word
    return word.translate(_LEET)


def _elongated(match: re.Match[str]) -> str:
    return ELONGATED + _RUN_RE.sub(r"\1", match.group())


def fold(text: str, *, underscore_separates: bool = True) -> str:
    """Steps 1-2: NFKC, case folding, format characters, confusables, Traditional -> Simplified.

    ``underscore_separates=False`` keeps ``_`` (it is part of ids and handles).
    """
    if text.isascii():
        lowered = text.lower()
        return lowered.replace("_", " ") if underscore_separates else lowered
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.translate(_TABLE if underscore_separates else _TABLE_KEEP_UNDERSCORE)


def _edge(match: re.Match[str]) -> str:
    return match.group() + " "


def stream(text: str) -> str:
    """The matching stream of ``text``: normalized words between single spaces, padded."""
    t = fold(text)
    ascii_only = t.isascii()
    if not ascii_only:
        t = _CONT_GAP_RE.sub(r"\1", t)  # 傻@逼, 傻 逼 -> 傻逼
    suspect = _SUSPECT_RE.search(t) is not None
    if suspect:
        if _TIGHT_SINGLES_RE.search(t):
            t = _TIGHT_SINGLES_RE.sub(_join_singles, t)
        if _SPACED_SINGLES_RE.search(t):
            t = _SPACED_SINGLES_RE.sub(_join_spaced, t)
        if _LEETY_RE.search(t):
            t = _WORD_RE.sub(_deleet, t)
    s = " " + " ".join(_WORD_RE.findall(t)) + " "
    if not ascii_only:
        s = _SCRIPT_EDGE_RE.sub(_edge, s)
        s = s.replace("@", "").replace("$", "").replace("!", "").replace("|", "").replace("+", "")
    if suspect and _RUN3_RE.search(s):
        s = _ELONGATED_WORD_RE.sub(_elongated, s)
    return s


def is_continuous(key: str) -> bool:
    """True when every character of a (stripped) key is in a space-less script."""
    return bool(key) and re.fullmatch(f"[{CONTINUOUS_CLASS}]+", key) is not None


def term_keys(term: str) -> list[str]:
    """The automaton keys of a lexicon term: padded for space-delimited scripts, bare for the others.

    A single-word term also gets its elongated form (``" \\x01fuck "``) so ``fuuuuck`` matches.
    """
    s = stream(term)
    bare = s.strip()
    if not bare:
        return []
    if is_continuous(bare.replace(" ", "")):
        return [bare.replace(" ", "")]
    keys = [s]
    words = bare.split(" ")
    if len(words) <= 4:  # each word may be the elongated one ("kill yoursssself")
        for i, word in enumerate(words):
            if not word.startswith(ELONGATED):
                variant = [*words[:i], ELONGATED + _RUN_RE.sub(r"\1", word), *words[i + 1 :]]
                keys.append(" " + " ".join(variant) + " ")
    return keys


_CUT_RE = re.compile(f".(?=[^{_W}]|$)|[{CONTINUOUS_CLASS}]", re.S)
_START_RE = re.compile(f"(?<![{_W}])[{_W}]|[{CONTINUOUS_CLASS}]")


def locate(text: str, key: str) -> tuple[int, int] | None:
    """The shortest span ``[start, end)`` of ``text`` whose stream still holds ``key``.

    Used only when a comment matched (rare): it tries word ends for the end, then word starts
    (every character in space-less scripts) for the start, each a call to ``stream``.
    """
    if key not in stream(text):
        return None
    ends = sorted({m.end() for m in _CUT_RE.finditer(text)} | {len(text)})
    end = next((e for e in ends if key in stream(text[:e])), len(text))
    starts = sorted({m.start() for m in _START_RE.finditer(text, 0, end)} | {0}, reverse=True)
    start = next((s for s in starts if key in stream(text[s:end])), 0)
    return start, end
