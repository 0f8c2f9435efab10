"""Multi-pattern lexicon matching: one Aho-Corasick automaton per market, built once and cached.

The automaton holds every normalized key of every lexicon entry the market's plugins provide
(``CrossliveManager.moderation_lexicon``); a comment is normalized once (``normalize.stream``) and
scanned once, whatever the lexicon's size. Keys of space-delimited languages are padded with
spaces and so only match whole words; keys of space-less scripts match anywhere.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from functions.moderation.normalize import (
    INNER,
    PLACEHOLDER,
    UNMARKED,
    collapse,
    inner_key,
    spans,
    stream,
    term_keys,
    term_stream,
)
from functions.moderation.safewords import all_safe_words
from functions.moderation.verdict import ACTION_ORDER
from plugins.manager import CrossliveManager
from plugins.types import LexiconEntry

SEVERITY_ACTION = {1: "mask", 2: "hold", 3: "reject"}


@dataclass(frozen=True)
class Rule:
    """What a key stands for: the strongest lexicon entry that produced it."""

    term: str
    language: str
    category: str
    severity: int
    action: str

    @classmethod
    def of(cls, entry: LexiconEntry) -> Rule:
        return cls(
            entry.term,
            entry.language,
            entry.category,
            entry.severity,
            entry.action or SEVERITY_ACTION[entry.severity],
        )


@dataclass(frozen=True)
class Hit:
    key: str
    rule: Rule
    # where the text holds it, when its key is not in the text's stream (an Arabizi skeleton)
    where: tuple[tuple[int, int], ...] = ()


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
MAX_MIXED_CHARACTERS = 4  # Chinese terms up to this long also match with Latin letters for characters
# The characters a Chinese insult is censored on (傻X for 傻逼, 他X的 for 他妈的, X你妈 for 操你妈): a
# writer hides the vulgar character and keeps the rest readable. Only these may stand as the
# placeholder, never the first character of a two-character term ("X的" would be any "*的"), and
# never an ordinary character ("黑X码" is a size, not 黑鬼).
CENSORED_CHARACTERS = frozenset("逼屄妈操肏日干屌婊贱蛋鸡草槽")
# A lexicon row written letter-spaced ("i d i o t"): only a letter-spaced spelling matches it. The
# source lists such words only spelled out (LDNOOBW's "p e n i s"), or curation keeps a word that is
# ordinary in a shop ("idiot" for a price, "ugly" sweater) for its spelled-out form only: spelling a
# word out letter by letter is itself evidence of evading a filter.
_LETTER_SPACED = re.compile(r"[^\W\d_](?: [^\W\d_]){3,}")
# The afterthought vocative of spoken Arabic ("حيوان يا", "you animal!") counts only where the comment
# ends: before another word, "يا" opens the next call ("السعر واطي يا جماعة", "the price is low, folks").
# So does a Japanese insult with the emphatic が ("くずが", "カスが": "you trash!"), which mid-comment
# is the subject particle ("パンくずが落ちる", breadcrumbs fall; "生かすが").
_AFTERTHOUGHT_VOCATIVE = re.compile(" يا$|[\u3040-\u30ff]が$")
# A row written "^word$" matches only a comment that is the word alone (punctuation and emoji aside): a
# shop word ("حيوان", animal; "ควาย", buffalo) hurled as a whole comment names no product but a person.
_ALONE = re.compile(r"\^(.+)\$")
_KANA = re.compile("[\u3041-\u309f\u30fc]+")
_KATAKANA_LETTER = re.compile("[\u30a1-\u30fa]")
_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def letter_spaced(term: str) -> bool:
    """Whether a lexicon row is written letter-spaced, matching letter-spaced spellings only."""
    return _LETTER_SPACED.fullmatch(term) is not None


def alone(term: str) -> str | None:
    """The word of a row written ``^word$`` (matched only as a whole comment), else None."""
    found = _ALONE.fullmatch(term)
    return found.group(1) if found else None


# Arabizi: Arabic written in Latin letters with digits for the letters Latin lacks ("ya 7mar", "yel3an",
# "wes5"). Both an Arabic term and a Latin comment are read as a consonant skeleton (short vowels are not
# written in Arabic and are guessed in Arabizi, so neither side keeps them; long vowels written doubled,
# "oo", "ee", are the و and ي of the Arabic spelling): "يا حمار" and "ya 7mar" both read "y 7mr".
_ARABIC_SKELETON = str.maketrans(
    {
        **dict.fromkeys("اأإآءى", None),
        "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "7", "خ": "5", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
        "س": "s", "ش": "x", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "3", "غ": "j", "ف": "f", "ق": "q",
        "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ئ": "y", "ؤ": "w",
    }
)  # fmt: skip
_LATIN_DIGRAPHS = (("kh", "5"), ("gh", "j"), ("sh", "x"), ("ch", "x"), ("th", "t"), ("dh", "d"))
_LATIN_LONG = (("oo", "w"), ("ou", "w"), ("uu", "w"), ("ee", "y"), ("ii", "y"))
_LATIN_SKELETON = str.maketrans(
    {**dict.fromkeys("aeiou2'", None), "6": "t", "9": "s", "8": "q", "g": "j", "c": "k", "p": "b", "v": "f"}
)
_ARABIZI_GATE = re.compile(r"[a-z][235679]|[235679][a-z]", re.IGNORECASE)  # a word mixing letters and digits
_ARABIZI_WORD = re.compile(r"[a-z0-9']+", re.IGNORECASE)
_ARABIZI_SIGN = re.compile("[735]")  # ح ع خ: letters Arabizi writes only with a digit (or kh)


def _final_vowel(skeleton: str) -> str:
    """A word-final ي or و is the long vowel of "inti", "abu" (Arabizi writes it i, u): not kept."""
    return skeleton[:-1] if len(skeleton) > 2 and skeleton[-1] in "yw" else skeleton


def arabizi_skeleton(word: str) -> str:
    """A Latin (Arabizi) word as a consonant skeleton: "7mar" -> "7mr", "abook" -> "bwk"."""
    word = word.lower()
    for digraph, letter in (*_LATIN_DIGRAPHS, *_LATIN_LONG):
        word = word.replace(digraph, letter)
    return _final_vowel(collapse(word.translate(_LATIN_SKELETON)))


def arabic_skeleton(word: str) -> str:
    """A folded Arabic word as the same skeleton ("حمار" -> "7mr"; a final ة, folded to ه, is a vowel)."""
    if word.endswith("ه") and len(word) > 2:
        word = word[:-1]
    return _final_vowel(collapse(word.translate(_ARABIC_SKELETON)))


# A one-word skeleton of three letters is too ambiguous alone ("7amra", red, and "7mara", a she-donkey,
# are both "7mr"): it counts addressed, after "ya" or "enta"/"inti" (both "nt").
_MIN_BARE_SKELETON = 4
_ARABIZI_ADDRESS = ("y", "nt")


def arabizi_keys(entry: LexiconEntry) -> list[str]:
    """The skeleton keys of an Arabic term, if it holds a letter Arabizi writes with a digit."""
    if entry.language != "ar" or letter_spaced(entry.term) or alone(entry.term):
        return []
    if _AFTERTHOUGHT_VOCATIVE.search(entry.term):
        return []
    words = term_stream(entry.term).split()
    if not words or not all(re.fullmatch("[\u0621-\u064a]+", w) for w in words):
        return []
    skeletons = [arabic_skeleton(w) for w in words]
    joined = "".join(skeletons)
    if len(joined) < 3 or not _ARABIZI_SIGN.search(joined) or "" in skeletons:
        return []
    if len(skeletons) == 1 and len(joined) < _MIN_BARE_SKELETON:
        return [f" {address} {joined} " for address in _ARABIZI_ADDRESS]
    return [" " + " ".join(skeletons) + " "]


def placeholder_spellings(term: str) -> list[str]:
    """A reviewed Chinese term with one censored character as ``PLACEHOLDER`` (傻逼: 傻〓)."""
    if not _HAN.fullmatch(term) or not 2 <= len(term) <= MAX_MIXED_CHARACTERS:
        return []
    return [
        term[:i] + PLACEHOLDER + term[i + 1 :]
        for i, char in enumerate(term)
        if char in CENSORED_CHARACTERS and (i > 0 or len(term) > 2)
    ]


def spellings(entry: LexiconEntry) -> list[str]:
    """The term and its spellings from ``reading``: kana for Japanese; for Chinese, every mix of
    Han characters with their pinyin syllables or initials (傻逼: 傻b, 傻bi, sha逼, s逼), at least
    one character kept in Han (all-Latin spellings are rows of their own: ``shabi``, ``sb``)."""
    found = [entry.term]
    if not entry.reading:
        return found
    if entry.language.startswith("ja"):
        return [*found, entry.reading]
    syllables = entry.reading.split()
    term = entry.term
    if not _HAN.fullmatch(term) or len(syllables) != len(term) or len(term) > MAX_MIXED_CHARACTERS:
        return found
    found += placeholder_spellings(term)
    choices = [(char, syllable, syllable[0]) for char, syllable in zip(term, syllables, strict=True)]
    for combo in itertools.product(*choices):
        kept = sum(1 for part, char in zip(combo, term, strict=True) if part == char)
        if 0 < kept < len(term):
            found.append(" ".join(combo))  # "傻 b": the stream puts a space at each script boundary
            joined = "".join(combo)  # "你tm": Latin letters of two characters written as one word
            if joined != " ".join(combo) and re.search("[a-z]{2}", joined):
                found.append(joined)
    return found


class Matcher:
    """An automaton over a list of lexicon entries.

    Two automatons: the main one over whole streams, and an inner one holding the letters of each
    space-delimited term (``bitch``), scanned only over spelled-out runs (``y o u a b i t c h``
    gives the stream word ``\\x02youabitch``), where word boundaries are lost.
    """

    def __init__(self, entries: list[LexiconEntry], safe_words: Iterable[str] = ()) -> None:
        rules: dict[str, Rule] = {}
        inner: dict[str, Rule] = {}
        arabizi: dict[str, Rule] = {}
        final_only: set[str] = set()
        whole_only: set[str] = set()
        anywhere: set[str] = set()
        for entry in entries:
            rule = Rule.of(entry)
            word = alone(entry.term)
            if word is not None:
                for key in term_keys(word, unmarked=not entry.language.startswith("vi")):
                    _keep_stronger(rules, key, rule)
                    whole_only.add(key)
                continue
            if not letter_spaced(entry.term):
                for spelling in spellings(entry):
                    for key in term_keys(spelling, unmarked=not entry.language.startswith("vi")):
                        _keep_stronger(rules, key, rule)
                        anywhere.add(key)
                        if _AFTERTHOUGHT_VOCATIVE.search(entry.term):
                            final_only.add(key)
            letters = inner_key(entry.term)
            if letters is not None:
                _keep_stronger(inner, letters, rule)
            for skeleton in arabizi_keys(entry):
                _keep_stronger(arabizi, skeleton, rule)
        self.size = len(entries)
        self.keys = len(rules)
        self._final_only = final_only
        self._whole_only = whole_only - anywhere
        self._arabizi: ahocorasick.Automaton | None = None
        if arabizi:
            self._arabizi = ahocorasick.Automaton()
            for key, rule in arabizi.items():
                self._arabizi.add_word(key, (key, rule))
            self._arabizi.make_automaton()
        self._automaton = ahocorasick.Automaton()
        for key, rule in rules.items():
            self._automaton.add_word(key, (key, rule))
        safe = {k for word in safe_words for k in term_keys(word, unmarked=True)} - set(rules)
        for key in safe:
            self._automaton.add_word(key, (key, None))
        if rules:
            self._automaton.make_automaton()
        self._inner = ahocorasick.Automaton()
        for key, rule in inner.items():
            self._inner.add_word(key, (key, rule))
        if inner:
            self._inner.make_automaton()
        self._has_inner = bool(inner)

    def scan(self, normalized: str, text: str | None = None) -> list[Hit]:
        """Every key in an already normalized stream, except those inside a safe word and, given the
        ``text`` the stream was made of, kana keys read only inside longer Katakana words."""
        hits = self._scan(normalized)
        if hits and text is not None and _KATAKANA_LETTER.search(text):
            hits = [h for h in hits if not _only_inside_katakana_words(text, h.key)]
        if self._arabizi is not None and text is not None and _ARABIZI_GATE.search(text):
            hits += self._scan_arabizi(text)
        return hits

    def _scan_arabizi(self, text: str) -> list[Hit]:
        """Arabic terms written in Arabizi: the comment's Latin words as skeletons, scanned for the
        skeletons of the Arabic terms (only when a word mixes letters and digits, ``_ARABIZI_GATE``)."""
        assert self._arabizi is not None
        words: list[tuple[int, int, int]] = []  # (offset in the skeleton line, start, end in the text)
        line = " "
        for found in _ARABIZI_WORD.finditer(text):
            if found.group().isdigit():
                continue
            skeleton = arabizi_skeleton(found.group())
            if skeleton:
                words.append((len(line), found.start(), found.end()))
                line += skeleton + " "
        hits: dict[str, Hit] = {}
        for end, (key, rule) in self._arabizi.iter(line):
            first, last = end - len(key) + 2, end - 1  # the key's letters, without its padding
            covered = [(a, b) for offset, a, b in words if first <= offset <= last]
            if covered:
                hits.setdefault(key, Hit(key, rule, ((covered[0][0], covered[-1][1]),)))
        return list(hits.values())

    def _scan(self, normalized: str) -> list[Hit]:
        found = list(self._automaton.iter(normalized)) if self.keys else []
        if INNER in normalized and self._has_inner:
            found += self._scan_inner(normalized)
        if found and (self._final_only or self._whole_only):
            # the comment as written ends where its unmarked view (if any) begins
            written = normalized.partition(UNMARKED)[0]
            last = len(written) - 1  # the padding space: a space-less key ends just before it
            found = [
                f
                for f in found
                if (f[0] >= last - 1 or f[1][0] not in self._final_only)
                and (
                    f[1][0] not in self._whole_only
                    or f[1][0].strip() in (_words(written), _words(normalized.partition(UNMARKED)[2]))
                )
            ]
        if not found:
            return []
        if len(found) == 1:
            key, rule = found[0][1]
            return [] if rule is None else [Hit(key, rule)]
        safe = [(end - len(key) + 1, end) for end, (key, rule) in found if rule is None]
        hits: dict[str, Hit] = {}
        for end, (key, rule) in found:
            if rule is not None and not any(a <= end - len(key) + 1 and end <= b for a, b in safe):
                hits.setdefault(key, Hit(key, rule))
        return list(hits.values())

    def _scan_inner(self, normalized: str) -> list[tuple[int, tuple[str, Rule | None]]]:
        found = []
        for word in normalized.split(" "):
            if word.startswith(INNER):
                found += [(-1, value) for _end, value in self._inner.iter(word)]
        return found

    def hits(self, text: str) -> list[Hit]:
        return self.scan(stream(text), text)

    def mask(self, text: str, hits: list[Hit]) -> str:
        """``text`` with every character of every matched span replaced by ``*`` (spaces kept).

        The spans are found on the original text first and masked together, so a phrase ("piss
        off") is hidden whole even when one of its words is a term of its own.
        """
        covered: set[int] = set()
        for hit in hits:
            for start, end in hit.where or spans(text, hit.key):
                covered.update(range(start, end))
        return "".join("*" if i in covered and not c.isspace() else c for i, c in enumerate(text))


def _only_inside_katakana_words(text: str, key: str) -> bool:
    """Whether a kana key occurs in ``text`` only as the start or middle of a longer Katakana word.

    Katakana is matched as Hiragana, so a kana insult (きえろ, ぶす, しね) meets loanwords and names
    that hold its sound: キエロフ, ラブストーリー, シネマ. A Katakana word goes on with more Katakana;
    an insult written in Katakana stands as a word of its own or ends one (キエロ, オマエキエロ,
    ブスだね). Any Hiragana occurrence, or one the text hides with other characters, keeps the hit.
    """
    bare = key.strip()
    if not _KANA.fullmatch(bare):
        return False
    written = unicodedata.normalize("NFKC", text)
    if bare in written:
        return False
    inside = False
    for found in re.finditer(re.escape(bare.translate(_TO_KATAKANA)), written):
        if not _KATAKANA_LETTER.match(written, found.end()):
            return False
        inside = True
    return inside


_SYMBOL_TOKEN = re.compile(r"(?<= )[@$!|+]+ ")


def _words(stream_part: str) -> str:
    """A part of a stream without its padding and its tokens of symbols alone ("bouffon !" -> "bouffon"):
    a comment that is one word and an exclamation mark is that word alone."""
    return _SYMBOL_TOKEN.sub("", stream_part).strip()


def _keep_stronger(rules: dict[str, Rule], key: str, rule: Rule) -> None:
    old = rules.get(key)
    if old is None or ACTION_ORDER[rule.action] > ACTION_ORDER[old.action]:
        rules[key] = rule


_lock = threading.Lock()
_matchers: dict[tuple[int, str], Matcher] = {}


def matcher_for(plugins: CrossliveManager, market: str) -> Matcher:
    """The market's matcher, built on first use and kept for the life of the process."""
    key = (id(plugins), market.upper())
    found = _matchers.get(key)
    if found is None:
        with _lock:
            found = _matchers.get(key)
            if found is None:
                found = Matcher(plugins.moderation_lexicon(market.upper()), all_safe_words())
                _matchers[key] = found
    return found


def warm(plugins: CrossliveManager, markets: Iterable[str]) -> None:
    """Build the matchers of ``markets`` now (at container start) rather than on a first comment."""
    for market in markets:
        matcher_for(plugins, market)
