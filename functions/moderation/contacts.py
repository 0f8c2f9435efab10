"""Contact and link spam: URLs, phone numbers and messenger ids (WeChat, WhatsApp, Line, Telegram).

Off-platform contact details are how scams and "DM me for a better price" spam pull buyers out of
a live room, so a viewer's comment holding one is held or rejected by the market's policy; links
are clickable only when a moderator or the host posts them.

The words of each language (phone numbers read aloud, the spoken dot of a URL, words asking to be
called) are the market plugins' data (``contact_words`` hook, ``contact_words.toml``): the words of
every market of the region are read, since a comment's language is not its market's.

Phone numbers, the rule: a run of digit groups separated by spaces, hyphens, dots or brackets is a
phone number from 8 digits on (as before: a size ladder "36 38 40 42", a date "2026-12-02" or a
number right after an order word is not). A run of at least three tokens that holds a number word
("four one five, five five five", "kosong 8 satu", "ぜろきゅうぜろ") is one from 9 digits on, or
from 7 when the comment also asks to be called or names a messenger (a cue); counting ("one two
three four five six seven") is a ladder, and quantities, sizes and prices are too short to count.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from functions.moderation.normalize import fold, is_continuous
from functions.shared.plugins import get_plugins

if TYPE_CHECKING:
    from plugins.manager import CrossliveManager

_TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gg|xyz|top|shop|store|online|site|link|click|app|live|vip|club|"
    "cn|hk|tw|sg|my|id|th|vn|ph|jp|kr|de|fr|uk|us|ae|sa|ru|in|au|ca|es|it|nl"
)
# a domain label starts after no letter, digit or hyphen (also right after Han or Thai: "店shop点com")
_LABEL_START = r"(?<![a-z0-9-])"
# a written dot: "." (no space after it: "f.y.i. it ships" is a sentence), or "(dot)", "[dot]", "点"
_DOT = r"(?:\s*\.|\s*(?:\(dot\)|\[dot\]|点)\s*)"
URL_RE = re.compile(
    rf"(?:https?://|www\.)\S+|{_LABEL_START}[a-z0-9][a-z0-9-]{{0,62}}(?:{_DOT}[a-z0-9-]{{1,63}})*"
    rf"{_DOT}(?:{_TLDS})\b(?:/\S*)?|\b(?:wa\.me|t\.me|line\.me|bit\.ly)/\S+",
    re.IGNORECASE,
)
# 8+ digits with optional separators and an optional +country code; written digit by digit, up to
# three separator characters between single digits ("0 8 1 3 - 2 2 4 4"), which a price range
# ("150.000 - 200.000") never has
PHONE_RE = re.compile(r"(?<![\w.,#])\+?(?:\d(?:[\s\-().]{0,2}\d){7,14}|\d(?:[\s\-().]{1,3}\d(?!\d)){7,14})(?![\w%])")
# Messenger names strong enough on their own, and weak ones that need "id", ":" or "@" after them.
# WeChat is written every way its filters miss: homophones of 微信 (威信, 维信, 卫星), the heart or
# 芯 for 信, "V"/"VX"/"WX" with a plus sign or 加 ("add"), letters spaced or dotted (w.e.c.h.a.t).
# Letter-spaced or dotted names of the others (t e l e g r a m, L.I.N.E) are joined first.
_WECHAT = (
    r"[微威薇维卫嶶徽危喂胃]\s*(?:信|芯|星|心|[❤♥♡💗💕]|xin|x)|(?:加|\+|➕|十)\s*(?:v|w|微|薇|威)|"
    r"v\s*[❤♥♡💗💕]|[vw]\W{0,2}x(?![a-z])|v信|wei\s*xin|w\W{0,2}e\W{0,2}c\W{0,2}h\W{0,2}a\W{0,2}t"
)
_STRONG = (
    rf"{_WECHAT}|weixin|wh?ats?\W{{0,2}}s?app?|wts\s*app|wasap|tele\W{{0,2}}gra?m|telegrm|kakao|zalo|za\s*lo|"
    r"snapchat|ไลน์?|らいん|てれぐらむ|わっつあっぷ|すなっぷ|เทเลแกรม|วอทส์?แอ[พป]|扣扣|qq|企鹅|电报|纸?飞机号?|instagram|"
    r"واتس\s*اب|واتساب|واتس|سناب(?:\s*شات)?|ت[يى]?ل[يى]?[جغك]را?م|انستا|加我|私聊|私信|联系我"
)
# Facebook, its Messenger and Instagram's short name are weak: "facebook marketplace", "insta story"
_WEAK = (
    r"l[i!1|]ne|wa|ig|t\s?g|tele|snap|sc|fb|facebook|messenger|insta|dm\s*me|pm\s*me|hubungi(?:\s*saya)?|"
    r"ติดต่อ|liên\s*hệ"
)
# between a name and the id: "id", "号", "ไอดี", a colon, "@", "me", "で連絡" (up to 4 CJK/Thai characters)
_FILLER = r"(?:\s*(?:id|号|號|ไอดี|me|on|[:：=@]|[\u3040-\u30ff\u4e00-\u9fff\u0e00-\u0e7f]{1,4}))*\s*"
# after a weak name: "id" (with a colon, or Japanese "は": "LINE ID は xxx"), a colon, or "で連絡して" going
# on to "→ id：xxx"
_WEAK_FILLER = (
    r"id\s*[:：=はが]?|[:：=@]|[でに][\u3040-\u30ff\u4e00-\u9fff]{0,4}(?:\s*[→>:：]?\s*id\s*[:：=]?)?"
)
MESSENGER_RE = re.compile(
    rf"(?<![a-z])(?:(?:{_STRONG}){_FILLER}@?|(?:{_WEAK})\s*(?:{_WEAK_FILLER})\s*@?)"
    r"[a-z0-9_.\-]*[a-z0-9][a-z0-9_.\-]{4,}",
    re.IGNORECASE,
)
# the names that leetspeak hides, strong on their own in that view
_LEET_MESSENGER_RE = re.compile(
    rf"(?<![a-z])(?:wh?ats?\W{{0,2}}s?app?|tele\W{{0,2}}gra?m|wechat|weixin|snapchat|instagram|zalo|kakao|line\s*id)"
    rf"{_FILLER}[a-z0-9_.\-]*[a-z0-9][a-z0-9_.\-]{{4,}}"
)
# Single letters apart by separators ("t e l e g r a m", "t.e.l.e.g.r.a.m", "w-h-a-t-s-a-p-p"): joined
# before the messenger names are looked for.
_SPACED_LETTERS_RE = re.compile(r"(?<![^\W\d_])[^\W\d_](?:[\s.·*\-_/]{1,3}[^\W\d_](?![^\W\d_])){2,}")
# Leetspeak inside a messenger's name ("telegr@m", "wh4tsapp", "te1egram"): read with letters, only
# when no id was found as written (the "@" of a handle becomes a letter in this view).
_LEET_NAME = str.maketrans({"0": "o", "3": "e", "4": "a", "@": "a", "$": "s", "1": "l", "|": "l", "!": "i"})
_LEET_INSIDE_RE = re.compile(r"[a-z][0134@$|!][a-z]")
_SPACED_HINT_RE = re.compile(r"\b[^\W\d_][\s.·*\-_/]{1,3}[^\W\d_][\s.·*\-_/]{1,3}[^\W\d_]\b")  # cheaper, wider
_LETTER_SEPARATORS_RE = re.compile(r"[\s.·*\-_/]+")

# Cheap first pass: a URL needs a scheme, "www", a short-link host or a dot (plain or spelled)
# before a known TLD.
_TLD_HINT_RE = re.compile(rf"[.\]点)。｡、]\s*(?:{_TLDS})\b")
_MESSENGER_HINT_RE = re.compile(
    r"[微威薇维卫嶶徽危喂胃加+➕十❤♥♡💗💕电飞]|v|w|whats|wts|tele|kakao|zalo|za\s|ไลน|らいん|てれ|わっつ|すなっぷ|เทเล|วอท|"
    r"扣扣|qq|企鹅|instagram|واتس|سناب|ت[يى]?ل[يى]?[جغك]|انستا|私|联系|l[i!1|]ne|ig|t\s?g\s*[:：=@i]|sc\s*[:：=@i]|snap|dm|pm|"
    r"hubungi|ติดต่อ|liên|fb|facebook|messenger|insta"
)
_PHONE_HINT_RE = re.compile(r"\d[\d\s\-().]{6}")
_DIGITS_RE = re.compile(r"\d+")
_GAP_RE = re.compile(r"[\s,.\-–—/()·:;،、+]{0,4}")  # between the tokens of a phone number read aloud
_DATE_FORMS = ((4, 2, 2), (4, 1, 1), (4, 1, 2), (4, 2, 1), (2, 2, 4), (1, 2, 4), (2, 1, 4), (1, 1, 4))
_REF_WINDOW = 24  # characters before a digit run where an order word makes it that order's number


@dataclass(frozen=True)
class Vocabulary:
    """The contact-spam words of every market of a region, compiled once per process."""

    numbers: dict[str, str]  # folded number word (words apart by one space) -> digits
    repeat: dict[str, int]
    token_re: re.Pattern[str]  # a number word or a digit group
    word_hints: frozenset[str]  # each single word of a space-delimited number word
    gate_words: frozenset[str]  # the same, also with the punctuation a word may carry ("five,")
    continuous_hint_re: re.Pattern[str] | None
    cue_re: re.Pattern[str]
    ref_re: re.Pattern[str]
    spelled_url_re: re.Pattern[str]
    spelled_hint_re: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    """Longest first (Python's regex takes the first alternative that matches); the words of a
    space-delimited phrase apart by spaces or hyphens ("vingt-et-un", "dua puluh")."""
    return "|".join(r"[\s\-]+".join(map(re.escape, w.split(" "))) for w in sorted(set(words), key=len, reverse=True))


def _bounded(words: list[str]) -> str:
    """Alternation of words that match whole in space-delimited scripts, anywhere in the others."""
    spaced = [w for w in words if not is_continuous(w.replace(" ", ""))]
    solid = [w for w in words if is_continuous(w.replace(" ", ""))]
    parts = []
    if spaced:
        parts.append(rf"(?<![^\W\d_])(?:{_alternation(spaced)})(?![^\W\d_])")
    if solid:
        parts.append(f"(?:{_alternation(solid)})")
    return "|".join(parts) or r"(?!x)x"


def _fold_word(word: str) -> str:
    return " ".join(fold(word.replace("-", " "), underscore_separates=False).split())


_KANA_LONG_VOWEL = "ー"


def _long_vowel_forms(word: str) -> list[str]:
    """A kana number word written with the long-vowel mark, as Katakana writes it: きゅう as キュー,
    に as ニー, ご as ゴー (folded to Hiragana: きゅー, にー, ごー)."""
    if not word or not re.fullmatch("[\u3041-\u3096]+", word):
        return []
    forms = [word + _KANA_LONG_VOWEL]
    if len(word) >= 2 and word[-1] in "うい":
        forms.append(word[:-1] + _KANA_LONG_VOWEL)
    return forms


LanguageWords = tuple[dict[str, str], dict[str, int], list[str], dict[str, str], list[str], list[str]]


def build_vocabulary(entries: list[LanguageWords]) -> Vocabulary:
    """Compile ``(numbers, repeat, dot, tld, cues, refs)`` of each language into one ``Vocabulary``."""
    numbers: dict[str, str] = {}
    repeat: dict[str, int] = {}
    dots: set[str] = set()
    tlds: dict[str, str] = {}
    cues: set[str] = set()
    refs: set[str] = set()
    for nums, reps, dot_words, tld, cue, ref in entries:
        for word, digits in nums.items():
            numbers.setdefault(_fold_word(word), digits)
            for long_form in _long_vowel_forms(_fold_word(word)):
                numbers.setdefault(long_form, digits)
        repeat.update({_fold_word(w): n for w, n in reps.items()})
        dots.update(_fold_word(w) for w in dot_words)
        tlds.update({_fold_word(w): t for w, t in tld.items()})
        cues.update(_fold_word(w) for w in cue)
        refs.update(_fold_word(w) for w in ref)
    numbers.pop("", None)
    token = rf"\d+|{_bounded([*numbers, *repeat])}"
    solid_numbers = [w for w in numbers if is_continuous(w)]
    # a spelled dot: a word in brackets, or apart by spaces; a word of a space-less script also bare
    spaced_dots = [d for d in dots if not is_continuous(d)]
    solid_dots = [d for d in dots if is_continuous(d)]
    dot = (
        r"\s*(?:\(\s*\.\s*\)|\[\s*\.\s*\]|\{\s*\.\s*\}|。|｡|、)\s*|\s+\.\s+"
        rf"|\s*[(\[{{<]\s*(?:{_alternation([*dots, 'dot', 'd0t'])})\s*[)\]}}>]\s*"
        rf"|\s+(?:{_alternation([*spaced_dots, 'dot', 'd0t'])})\s+"
    )
    if solid_dots:
        dot += rf"|\s*(?:{_alternation(solid_dots)})\s*"
    joined_tlds = [t for t in tlds if t not in dots]
    joined_dots = _alternation([t for t in tlds if is_continuous(t)]) or "(?!x)x"  # "ドットコム": dot and TLD
    spelled_url = (
        rf"(?:{_LABEL_START}(?:www|[a-z0-9][a-z0-9-]{{2,62}}|t|wa|bit)(?:{dot}))+"
        rf"(?:{_TLDS}|{_alternation(joined_tlds) or '(?!x)x'})(?![a-z0-9])(?:\s+slash\s+[a-z0-9_-]+)?"
        rf"|{_LABEL_START}[a-z0-9][a-z0-9-]{{2,62}}\s*(?:{joined_dots})"
    )
    hints = {part for w in [*numbers, *repeat] if not is_continuous(w) for part in w.split(" ")}
    hint_words = [*dots, "dot", "d0t", *(t for t in tlds if is_continuous(t))]
    return Vocabulary(
        numbers=numbers,
        repeat=repeat,
        token_re=re.compile(token),
        word_hints=frozenset(hints),
        gate_words=frozenset([*hints, *(h + p for h in hints for p in ",.;:!?)…"), *("(" + h for h in hints)]),
        continuous_hint_re=re.compile(f"(?:{_alternation(solid_numbers)})") if solid_numbers else None,
        cue_re=re.compile(_bounded(sorted(cues)) + f"|{_STRONG}|{_WEAK}"),
        ref_re=re.compile(rf"(?:{_bounded(sorted(refs))})[\W\d_]{{0,12}}$") if refs else re.compile(r"(?!x)x"),
        spelled_url_re=re.compile(spelled_url),
        spelled_hint_re=re.compile(rf"\s\.\s|\(\s*\.|\[\s*\.|\{{\s*\.|。|｡|、|{_alternation(hint_words)}"),
    )


_vocabularies: dict[int, Vocabulary] = {}
_lock = threading.Lock()


def vocabulary(plugins: CrossliveManager | None = None) -> Vocabulary:
    """The region's ``Vocabulary``: the contact words of every market, built on first use."""
    if plugins is None:
        plugins = get_plugins()
    found = _vocabularies.get(id(plugins))
    if found is None:
        with _lock:
            found = _vocabularies.get(id(plugins))
            if found is None:
                languages = {
                    (w.language, w.source): w for code in plugins.market_codes() for w in plugins.contact_words(code)
                }
                found = build_vocabulary(
                    [(w.numbers, w.repeat, w.dot, w.tld, w.cues, w.refs) for w in languages.values()]
                )
                _vocabularies[id(plugins)] = found
    return found


def _value(digits: str) -> str:
    """ASCII digits of a digit group in any script (Thai ๐๘๑, Arabic-Indic ٠٨١)."""
    return digits if digits.isascii() else "".join(str(unicodedata.digit(c, 0)) for c in digits)


def _ladder(groups: list[str]) -> bool:
    """Sizes, counting or a list of prices: 3+ groups in steps of one size (1-10). Not single digits
    counting up from 0 to 7 or more digits: a count starts at one, and a leading 0 is the trunk
    prefix of a phone number ("0 1 2 - 3 4 5 6 7 8 9", "kosong satu dua ...")."""
    if len(groups) < 3 or not all(groups):
        return False
    if groups[0] == "0" and len(groups) >= 7 and all(len(g) == 1 for g in groups):
        return False
    values = [int(g) for g in groups]
    steps = {b - a for a, b in pairwise(values)}
    return len(steps) == 1 and 1 <= abs(next(iter(steps))) <= 10


def _date(groups: list[str]) -> bool:
    """Year-month-day or day-month-year ("2026-12-02", "02.12.2026")."""
    if tuple(map(len, groups)) not in _DATE_FORMS:
        return False
    year, month, day = (groups[0], groups[1], groups[2]) if len(groups[0]) == 4 else (groups[2], groups[1], groups[0])
    return year[:2] in ("19", "20") and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _is_reference(folded: str, start: int, vocab: Vocabulary) -> bool:
    return vocab.ref_re.search(folded, max(0, start - _REF_WINDOW), start) is not None


def _digit_phones(folded: str, vocab: Vocabulary) -> list[str]:
    found = []
    for m in PHONE_RE.finditer(folded):
        groups = [_value(g) for g in _DIGITS_RE.findall(m.group())]
        if _ladder(groups) or _date(groups) or _is_reference(folded, m.start(), vocab):
            continue
        found.append(m.group())
    return found


def _runs(folded: str, vocab: Vocabulary) -> Iterator[list[re.Match[str]]]:
    """Runs of 3+ tokens (number words, digit groups) apart by separators only. Grouping the
    tokens here, rather than one regular expression for the run, compiles the word alternation
    once (a cold start of ~0.1 s, not ~0.6 s)."""
    run: list[re.Match[str]] = []
    for token in vocab.token_re.finditer(folded):
        if run and _GAP_RE.fullmatch(folded, run[-1].end(), token.start()) is None:
            if len(run) >= 3:
                yield run
            run = []
        run.append(token)
    if len(run) >= 3:
        yield run


def _spoken_phones(folded: str, vocab: Vocabulary) -> list[str]:
    """Runs that hold a number word and read as a phone number (see the module's rule)."""
    found = []
    for run in _runs(folded, vocab):
        start, text_of_run = run[0].start(), folded[run[0].start() : run[-1].end()]
        groups: list[str] = []
        words = False
        times = 1
        for token in run:
            text = token.group()
            if text[0].isdigit():
                groups.append(_value(text) * times)
            else:
                key = " ".join(text.replace("-", " ").split())
                if key in vocab.repeat:
                    times = vocab.repeat[key]
                    words = True
                    continue
                groups.append(vocab.numbers.get(key, "") * times)
                words = True
            times = 1
        digits = sum(map(len, groups))
        if not words or digits < 7 or _ladder(groups) or _is_reference(folded, start, vocab):
            continue
        if digits >= 9 or vocab.cue_re.search(folded):
            found.append(text_of_run)
    return found


def _may_speak_numbers(folded: str, vocab: Vocabulary) -> bool:
    """Cheap: three or more number words or digit groups, or a number word of a space-less script."""
    if not folded.isascii() and vocab.continuous_hint_re is not None and vocab.continuous_hint_re.search(folded):
        return True
    if vocab.gate_words.isdisjoint(folded.replace("-", " ").split()):  # C speed: most comments hold none
        return False
    words = _WORD_RE.findall(folded)
    return sum(1 for w in words if w in vocab.word_hints or w[0].isdigit()) >= 3


_WORD_RE = re.compile(r"[^\W_]+")


def _links(folded: str, vocab: Vocabulary) -> list[str]:
    found = []
    if "://" in folded or "www" in folded or _TLD_HINT_RE.search(folded):
        found = [m.group() for m in URL_RE.finditer(folded)]
    if not found and vocab.spelled_hint_re.search(folded):
        found = [m.group() for m in vocab.spelled_url_re.finditer(folded)]
    return found


def _join_letters(match: re.Match[str]) -> str:
    return _LETTER_SEPARATORS_RE.sub("", match.group())


def _contacts(folded: str, vocab: Vocabulary) -> list[str]:
    if "\u20e3" in folded:  # keycap digits (0️⃣8️⃣1️⃣): the digit, a variation selector, the keycap
        folded = folded.replace("\ufe0f", "").replace("\u20e3", " ")
    phones = _digit_phones(folded, vocab) if _PHONE_HINT_RE.search(folded) else []
    if _may_speak_numbers(folded, vocab):
        phones += [p for p in _spoken_phones(folded, vocab) if not any(p in q or q in p for q in phones)]
    ids = [m.group() for m in MESSENGER_RE.finditer(folded)] if _MESSENGER_HINT_RE.search(folded) else []
    if not ids and _SPACED_HINT_RE.search(folded):
        joined = _SPACED_LETTERS_RE.sub(_join_letters, folded)
        if joined != folded and _MESSENGER_HINT_RE.search(joined):
            ids = [m.group() for m in MESSENGER_RE.finditer(joined)]
    if not ids and _LEET_INSIDE_RE.search(folded):
        letters = folded.translate(_LEET_NAME)
        ids = [folded[m.start() : m.end()] for m in _LEET_MESSENGER_RE.finditer(letters)]  # one character each
    return phones + ids


def find_links(text: str, plugins: CrossliveManager | None = None) -> list[str]:
    """URLs and bare domains (also written with ``(dot)``, a spoken dot or full-width dots)."""
    return _links(fold(text, underscore_separates=False), vocabulary(plugins))


def find_contacts(text: str, plugins: CrossliveManager | None = None) -> list[str]:
    """Phone numbers (in digits or number words) and messenger ids."""
    return _contacts(fold(text, underscore_separates=False), vocabulary(plugins))


def scan(text: str, plugins: CrossliveManager | None = None) -> tuple[list[str], list[str]]:
    """``(links, contacts)`` of ``text``, folding it once; ``plugins``: the region's (default)."""
    folded = fold(text, underscore_separates=False)
    vocab = vocabulary(plugins)
    return _links(folded, vocab), _contacts(folded, vocab)
