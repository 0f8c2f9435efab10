"""Build the market lexicons (``plugins/markets/<code>/lexicon.csv``) from reviewed sources.

Run ``python -m tools.lexicon [LDNOOBW_DIR]`` to regenerate (a curation-time tool: it and its sources,
``tools/lexicon/sources.py``, never ship in a Lambda bundle; its output, the CSV files, is what the market
plugins ship). Sources:

* LDNOOBW V2 (CC0-1.0): broad, unreviewed lists of 75 languages. Curated here: entries with glob
  or markup characters, entries of fewer than 3 letters (2 in space-less scripts) and every entry
  that is an ordinary word in a shop (``SHOP_WORDS``) or that hits a comment of the innocent
  commerce corpus (``bench/data/innocent_comments.tsv``) are dropped; each remaining entry gets a
  category and a severity from keyword seeds.
* crosslive's own curation (Apache-2.0, ``OWN_ENTRIES``): Chinese insults and slurs with their
  pinyin, scam, gambling and spam phrases of the Southeast Asian markets that the broad lists lack.

A market carries the full list of each of its languages, except English in markets where English
is not the first language: there only the entries of severity 2 and 3 plus the most common
profanity ship, to keep each market's file (and cold start) small.
"""

from __future__ import annotations

import csv
import functools
import re
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

import pykakasi
from pypinyin import lazy_pinyin

from functions.moderation.lexicon import alone, letter_spaced, spellings
from functions.moderation.normalize import (
    ELONGATED,
    INNER,
    LEET,
    collapse,
    fold,
    inner_key,
    stream,
    term_keys,
    term_stream,
)
from functions.moderation.safewords import all_safe_words
from plugins.types import LexiconEntry
from tools.lexicon.sources import (
    ADDRESS_FORMS,
    ADDRESSED_ONLY,
    ALONE_WORDS,
    ARABIC_CURSE_VERBS,
    ARABIC_OBJECT_PRONOUNS,
    ATTESTED_SINGLE_WORDS,
    COMMON_EN,
    ENGLISH_ADJECTIVES,
    ENGLISH_ANIMALS,
    ENGLISH_INTENSIFIERS,
    ENGLISH_PERSONS,
    GERMAN_ADJECTIVES,
    GERMAN_ENDINGS,
    GERMAN_INSULTING_ADJECTIVES,
    KEEP_DICTIONARY_WORDS,
    KEEP_DICTIONARY_WORDS_FR,
    MALAY_FROM_INDONESIAN,
    MARKET_ENTRIES,
    OWN_ENTRIES,
    PAYMENT_APPS,
    PAYMENT_FORMS,
    SHOP_WORDS,
    SPELLED_OUT_ONLY,
    VIET_BADWORDS,
    VIET_BADWORDS_DROPPED,
    VIETNAMESE_UNMARKED,
)

ROOT = Path(__file__).resolve().parents[2]
MARKETS_DIR = ROOT / "plugins" / "markets"
INNOCENT = ROOT / "bench" / "data" / "innocent_comments.tsv"
DEFAULT_SOURCE_DIR = ROOT.parent / "shared" / "data" / "lexicons" / "ldnoobw-v2"
LDNOOBW_SOURCE = "LDNOOBW-V2@e2f7430 (curated by crosslive)"
LDNOOBW_LICENSE = "CC0-1.0"
OWN_SOURCE = "crosslive curation"
OWN_LICENSE = "Apache-2.0"
DICTIONARY = Path("/usr/share/dict/american-english")
FRENCH_DICTIONARY = Path("/usr/share/dict/french")
# market language tag -> LDNOOBW file
LANGUAGE_FILES = {
    "en": "en",
    "zh-Hans": "zh",
    "th": "th",
    "fr": "fr",
    "ar": "ar",
    "de": "de",
    "id": "id",
    "ja": "ja",
    "vi": "vi",
    "ms": "ms",
    "fil": "fil",
    "es": "es",
}


_HATE = re.compile(
    r"nigg|fag|chink|kike|spic\b|wetback|tranny|gook|\bcoon|dyke|paki\b|raghead|towelhead|beaner|"
    r"gypsy|jigaboo|porch monkey|sand nigger|zipperhead|white power|heil hitler|untermensch"
)
_SEXUAL = re.compile(
    r"porn|sex|cum|cock|dick|pussy|cunt|tit|boob|anal|orgasm|blowjob|nude|naked|xxx|penis|vagin|"
    r"clit|dildo|masturb|horny|slut|whore|milf|hentai|erotic|fetish|bdsm|incest|jizz|handjob|"
    r"rimjob|gangbang|bukkake|deepthroat|threesome|hooker|escort|camgirl|fellat|cunnil|semen|sperm"
)
_VIOLENCE = re.compile(
    r"\bkill|murder|\brape|rapist|suicide|shoot you|behead|lynch|bomb threat|terroris|massacre|"
    r"die in|go die|slit your|hang yourself"
)
_DRUGS = re.compile(
    r"cocaine|heroin|\bmeth|marijuana|ganja|\blsd\b|ecstasy|crack rock|opium|fentanyl|ketamine|"
    r"amphetamine|narkoba|sabu"
)


def categorize(term: str) -> tuple[str, int]:
    """(category, severity) of an English-list entry from keyword seeds."""
    if _HATE.search(term):
        return "hate", 3
    if _VIOLENCE.search(term):
        return "violence", 2
    if _DRUGS.search(term):
        return "drugs", 2
    if _SEXUAL.search(term):
        return "sexual", 1
    return "profanity", 1


def pinyin_variants(term: str) -> list[str]:
    """Toneless pinyin of a Chinese term, joined and spaced (``shabi``, ``sha bi``); long ones only."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,}", term):
        return []
    syllables = lazy_pinyin(term)
    joined = "".join(syllables)
    if len(joined) < 5:
        return []
    return [joined, " ".join(syllables)]


def load_innocent() -> list[tuple[str, str]]:
    """The innocent corpus plus every phrase the platform itself says (phrasebooks, FAQ answers).

    A lexicon term that would mask the platform's own "Terima kasih!" or a market's FAQ answer is
    wrong by construction, so those texts take part in curation like the written corpus.
    """
    rows = []
    for line in INNOCENT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            market, _, text = line.partition("\t")
            rows.append((market, text))
    return rows + platform_phrases()


def platform_phrases() -> list[tuple[str, str]]:
    """(market or "*", text) for every phrasebook phrase and FAQ pattern/answer shipped here."""
    phrases: list[tuple[str, str]] = []
    books = [*MARKETS_DIR.glob("*/phrasebook.toml"), ROOT / "plugins" / "builtin" / "data" / "host_phrasebook.toml"]
    for path in books:
        if path.is_file():
            with path.open("rb") as fh:
                for concept in tomllib.load(fh).values():
                    if isinstance(concept, dict):
                        phrases.extend(("*", str(text)) for text in concept.values())
    for path in MARKETS_DIR.glob("*/faq.toml"):
        with path.open("rb") as fh:
            for entry in tomllib.load(fh).get("faq", []):
                market = path.parent.name.upper()
                phrases.append((market, str(entry.get("answer", ""))))
                phrases.extend((market, str(p)) for p in entry.get("patterns", []))
    return phrases


def _usable(term: str) -> bool:
    if not term or re.search(r"[*#<>{}\[\]\\/=]", term):
        return False
    keys = term_keys(term)
    if not keys:
        return False
    bare = keys[0].strip()
    if bare.replace(" ", "").isdigit():
        return False
    if keys[0].startswith(" "):  # space-delimited
        return len(bare.replace(" ", "")) >= 3
    if re.search(r"[\u0e00-\u0e7f]", bare):  # Thai: 3+ letters, combining vowels and tones not counted
        return len(re.sub(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", "", bare)) >= 3
    return len(bare) >= 2


def dictionary_words() -> set[str]:
    if not DICTIONARY.is_file():
        raise SystemExit(f"{DICTIONARY} is missing: apt-get install wamerican (curation only, not at run time)")
    return {w.strip().lower() for w in DICTIONARY.read_text(encoding="utf-8").splitlines()} - KEEP_DICTIONARY_WORDS


def french_words() -> set[str]:
    """French dictionary words (wfrench) but the insults kept: the broad French list's ordinary words
    ("envoyer", "panier", "moule", "shampoing") go, as English dictionary words do."""
    if not FRENCH_DICTIONARY.is_file():
        raise SystemExit(f"{FRENCH_DICTIONARY} is missing: apt-get install wfrench (curation only, not at run time)")
    words = {w.strip().lower() for w in FRENCH_DICTIONARY.read_text(encoding="utf-8").splitlines()}
    return words - KEEP_DICTIONARY_WORDS_FR


def ordinary_words(language: str) -> set[str]:
    """Single dictionary words of ``language`` that a broad list's entry must not be (en, fr)."""
    if language == "en":
        return dictionary_words()
    if language == "fr":
        return french_words()
    return set()


ARABIC_ARTICLE = "ال"
ARABIC_VOCATIVE = "يا "
# the Thai words that address someone with an insult: the prefixes "you ..." (male, female; นาย,
# "Mr", in the broad list's นายโง่) and the rude "you are" (มึงมัน: "มึงมันเหี้ย", australiaunwrapped.com's
# "Thai Swear Words: Ranked Strongest to Weakest"). Not the bare rude "you" (มึง) before a stem:
# "มึงตัวเล็ก" is "you're small", with the stem of อีตัว.
THAI_PREFIXES = ("ไอ้", "ไอ", "อี", "อิ", "นาย")
THAI_ADDRESS = ("ไอ้", "อี", "มึงมัน", "แกมัน")  # แก: the familiar "you", as in "แกมันควาย"
# the bare rude "you" (มึง) goes before a stem of three letters or more (มึงสันดาน, มึงหน้าด้าน), never a
# short one: "มึงตัวเล็ก" ("you're small") holds the stem ตัว of อีตัว
THAI_RUDE_YOU = "มึง"
_THAI_COMBINING = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# Japanese kanji written as the katakana they look split into, to get past filters: 死 as タヒ
# ("タヒね" for 死ね; word-dictionary.jp, "「タヒ」の意味", and nagashiyomi.com, "「タヒね」とは")
DECOMPOSED_KANJI = {"死": "タヒ"}
# Chinese homophones of the vulgar 妈 (mother) in curses: 马, 吗, 玛 ("你马没了", "他吗的"); only in
# reviewed terms of three characters or more ("他马" alone could be anything)
HOMOPHONES = {"妈": "马吗玛"}


def derived_forms(term: str, language: str) -> list[str]:
    """Forms of an entry that its source spells only one way.

    Arabic: the bare word of an entry written with the article ("الساقط" -> "ساقط"), since an
    insult is usually hurled without it, and its feminine ("ساقطة"); a vocative in either order
    ("يا حيوان", and the afterthought "حيوان يا" of spoken Arabic). Thai: the same insult with every
    other way of addressing someone ("อีสัตว์" -> "ไอ้สัตว์", "มึงมันสัตว์"); the bare stem is
    not derived (สัตว์ is "animal", อาหารสัตว์ "animal feed"; โง่, "stupid", in "ถามโง่ๆ", a dumb question).
    """
    if language == "ar" and term.startswith(ARABIC_VOCATIVE) and len(term.split()) == 2:
        return [term[len(ARABIC_VOCATIVE) :] + " " + ARABIC_VOCATIVE.strip()]
    if language == "ar" and " " not in term and term.startswith(ARABIC_ARTICLE) and len(term) >= 5:
        stem = term[len(ARABIC_ARTICLE) :]
        return [stem, *feminine(stem)]
    if language == "th":
        for prefix in THAI_PREFIXES:
            if term.startswith(prefix) and len(term) > len(prefix) + 1:
                stem = term[len(prefix) :]
                forms = [p + stem for p in THAI_ADDRESS if p != prefix]
                if len(_THAI_COMBINING.sub("", stem)) >= 3:
                    forms.append(THAI_RUDE_YOU + stem)
                return forms
    if language == "ar" and term in ARABIC_CURSE_VERBS:
        return [term + pronoun for pronoun in ARABIC_OBJECT_PRONOUNS]
    if language == "ja":
        return [term.replace(k, v) for k, v in DECOMPOSED_KANJI.items() if k in term]
    return []


def homophones(term: str, language: str) -> list[str]:
    """A reviewed Chinese curse of three characters or more with 妈 written as a homophone (他马的)."""
    if language != "zh-Hans" or len(term) < 3:
        return []
    return [term.replace(k, h) for k, hs in HOMOPHONES.items() if k in term for h in hs]


def addressed_forms(word: str, language: str) -> list[str]:
    """A shop word that insults a person only when addressed at one, in each addressed form of its
    language (``ADDRESS_FORMS``): "idiot" -> "you idiot", "you are an idiot"; "anjing" -> "dasar anjing";
    outside English also drawn out with a doubled letter ("anjingg": its key is the elongated form
    only, so the plain "anjing" of "anjing kecil" is not matched). English and German also with an
    adjective between ("you filthy dog", "you're a fat pig", "du doofe Kuh") and English person words
    with the person insulted in a live room ("idiot host")."""
    article = ""
    if language == "en" and word not in ENGLISH_ADJECTIVES:
        article = "an " if word[0] in "aeiou" else "a "
    forms = [f.format(w=word, a=article) for f in ADDRESS_FORMS.get(language, ())]
    if language == "en" and word not in ENGLISH_ADJECTIVES:
        for adjective in ENGLISH_INTENSIFIERS:
            an = "an " if adjective[0] in "aeiou" else "a "
            forms += [f"you {adjective} {word}", f"you're {an}{adjective} {word}", f"you are {an}{adjective} {word}"]
            forms += [f"ur {an}{adjective} {word}"]
    if language == "en" and word not in ENGLISH_ANIMALS:
        forms += [f"{word} {person}" for person in ENGLISH_PERSONS]
    if language == "de":
        for adjective in GERMAN_ADJECTIVES:
            for ending in GERMAN_ENDINGS:
                forms.append(f"du {adjective}{ending} {word}")
                if adjective in GERMAN_INSULTING_ADJECTIVES:
                    forms.append(f"{adjective}{ending} {word}")
    if language != "en" and " " not in word:  # drawn out ("anjingg", "babiii"): an expletive, not a pet or pork
        forms.append(word + word[-1])
    return [*forms, *(d for f in forms for d in derived_forms(f, language))]


def payment_phrases(language: str) -> list[str]:
    """The phrases that ask to be paid past the platform's checkout (``PAYMENT_FORMS``), with each
    payment app of the language where the form names one ("venmo me", "envoie par lydia")."""
    phrases = []
    for form in PAYMENT_FORMS.get(language, ()):
        apps = PAYMENT_APPS.get(language, ()) if "{app}" in form else ("",)
        phrases += [form.format(app=app) for app in apps]
    return list(dict.fromkeys(phrases))


def unmarked(term: str) -> str:
    """A Vietnamese term without its tone marks and diacritics ("óc chó" -> "oc cho", "đ" -> "d")."""
    decomposed = unicodedata.normalize("NFD", term.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def package_terms(language: str) -> list[tuple[str, str, str]]:
    """(term, source, licence) of the published word-list packages of ``language`` (the ``lexicon``
    extra): viet-badwords-filter's Vietnamese list, its phrases of two or more words written with
    their marks and its joined teencode of seven or more letters ("ditconmemay"); its single
    syllables and two-letter initialisms are no evidence in a shop ("má", mom; "lon", a can)."""
    if language != VIET_BADWORDS[0]:
        return []
    from viet_badwords_filter.badwords_list import badwords  # curation time only

    _language, package, version, licence = VIET_BADWORDS
    source = f"{package} {version} (PyPI), curated by crosslive"
    chosen = []
    for term in dict.fromkeys(t.strip().lower() for t in badwords):
        if term in VIET_BADWORDS_DROPPED or not re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", term):
            continue
        marked = unmarked(term) != term
        if (marked and " " in term) or (term.isascii() and " " not in term and len(term) >= 7):
            chosen.append((term, source, licence))
    return chosen


def feminine(term: str) -> list[str]:
    """The feminine of a one-word Arabic insult ("غبي" -> "غبية"), which the folding spells with ه."""
    if " " in term or term.endswith(("ة", "ه", "ا")):
        return []
    return [term + "ة"]


def reading(term: str, language: str) -> str:
    """``reading`` column: toneless pinyin per character of a short all-Han Chinese term; the
    hiragana reading of a Japanese term written with kanji (both used offline, here only)."""
    if language == "zh-Hans" and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", term):
        return " ".join(lazy_pinyin(term))
    if language.startswith("ja") and re.search(r"[\u4e00-\u9fff]", term):
        kana = "".join(part["hira"] for part in _kakasi().convert(term))
        return kana if len(kana) >= 2 and kana != term else ""
    return ""


@functools.cache
def _kakasi() -> pykakasi.kakasi:
    return pykakasi.kakasi()


def without_safe_words(normalized: str) -> str:
    """An innocent comment's stream with its safe words blanked: a term inside one is no hit at run
    time (``Matcher.scan``), so it must not disqualify the term here either."""
    for word in all_safe_words():
        for key in term_keys(word, unmarked=True):
            normalized = normalized.replace(key, " \x03 " if key.startswith(" ") else "\x03")
    return normalized


def _hits_innocent(term: str, innocent_streams: list[str], language: str = "") -> bool:
    word = alone(term)
    if word is not None:  # matched only as a whole comment
        whole = {k.strip() for k in term_keys(word, unmarked=not language.startswith("vi"))}
        return not whole or any(s.strip() in whole for s in innocent_streams)
    if letter_spaced(term):  # matched on the letters of spelled-out runs only
        letters = inner_key(term)
        return letters is None or any(
            letters in word for s in innocent_streams for word in s.split() if word.startswith(INNER)
        )
    keys = term_keys(term, unmarked=not language.startswith("vi"))
    return not keys or any(key in s for key in keys for s in innocent_streams)


def curate_language(language: str, source_dir: Path, innocent_streams: list[str]) -> list[dict[str, str]]:
    """Curated rows of one language (LDNOOBW plus own entries)."""
    rows: dict[str, dict[str, str]] = {}
    ordinary = ordinary_words(language)
    stop = {term_stream(w).strip() for w in SHOP_WORDS.get(language, set())}
    # a word that insults only when addressed is never shipped bare, whichever list holds it (the
    # English list also carries Malay "babi")
    stop |= {term_stream(w).strip() for words in ADDRESSED_ONLY.values() for w in words}
    # and with the Arabic article: "الحمار الوحشي" is a zebra ("يا الحمار" is an address form)
    stop |= {term_stream(ARABIC_ARTICLE + w).strip() for w in ADDRESSED_ONLY.get("ar", ()) if language == "ar"}
    path = source_dir / "data" / f"{LANGUAGE_FILES[language]}.txt"
    raw = [line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []
    if language == "ms":  # Indonesian entries that are Malay words of the same sense
        indonesian = source_dir / "data" / f"{LANGUAGE_FILES['id']}.txt"
        shared = {line.strip().lower() for line in indonesian.read_text(encoding="utf-8").splitlines()}
        raw += [w for w in MALAY_FROM_INDONESIAN if w in shared and w not in raw]
    candidates = [*raw, *(form for term in raw for form in derived_forms(term, language))]
    for term in candidates:
        if not _usable(term) or term_stream(term).strip() in stop or term in ordinary:
            continue
        keys = term_keys(term)
        if _hits_innocent(term, innocent_streams, language):
            continue
        category, severity = categorize(f"{term} {term_stream(term).strip()}") if language == "en" else ("profanity", 1)
        row = _row(term, language, category, severity, "", LDNOOBW_SOURCE, LDNOOBW_LICENSE)
        old = rows.get(keys[0])
        if old is None:
            rows[keys[0]] = row
        else:  # spellings of one key (nigger, n1gger): keep the strongest rating, the plainest spelling
            if int(row["severity"]) > int(old["severity"]):
                old.update(category=row["category"], severity=row["severity"])
            if _plainness(term) < _plainness(old["term"]):
                old["term"] = term
    own = [
        (form, c, sev, a, OWN_SOURCE)
        for t, lang, c, sev, a in OWN_ENTRIES
        if lang == language
        for form in (t, *derived_forms(t, lang), *homophones(t, lang))
    ]
    for lang, category, source, terms in ATTESTED_SINGLE_WORDS:
        if lang == language:
            forms = [f for t in terms for f in (t, *(feminine(t) if lang == "ar" else derived_forms(t, lang)))]
            own += [(t, category, 1, "mask", f"{OWN_SOURCE}, attested in {source}") for t in forms]
    if language == "vi":
        own += [(unmarked(t), "profanity", 1, "mask", f"{OWN_SOURCE}, unmarked spelling") for t in VIETNAMESE_UNMARKED]
    package_rows = package_terms(language)
    own += [
        (phrase, "scam", 2, "hold", f"{OWN_SOURCE}, off-platform payment")
        for phrase in payment_phrases(language)
    ]
    listed = set(raw)
    own += [
        (form, "profanity", 1, "mask", f"{OWN_SOURCE if word not in listed else LDNOOBW_SOURCE}, addressed only")
        for word in ADDRESSED_ONLY.get(language, ())
        for form in addressed_forms(word, language)
    ]
    own += [
        (f"^{word}$", "profanity", 1, "mask", f"{OWN_SOURCE if word not in listed else LDNOOBW_SOURCE}, alone")
        for word in ALONE_WORDS.get(language, ())
    ]
    own += [
        (" ".join(word), "profanity", 1, "mask", f"{LDNOOBW_SOURCE}, letter-spaced only")
        for word in SPELLED_OUT_ONLY.get(language, ())
        if word in listed
    ]
    for term, source, package_licence in package_rows:
        if (
            _usable(term)
            and term_stream(term).strip() not in stop
            and not _hits_innocent(term, innocent_streams, language)
        ):
            rows.setdefault(term_keys(term)[0], _row(term, language, "profanity", 1, "", source, package_licence))
    for term, category, severity, action, source in own:
        variants = [term, *pinyin_variants(term)] if severity >= 2 or language == "zh-Hans" else [term]
        licence = LDNOOBW_LICENSE if source.startswith(LDNOOBW_SOURCE) else OWN_LICENSE
        for variant in variants:
            spelled = letter_spaced(variant)  # a shop word by itself; its spelled-out form is no shop talk
            whole = alone(variant) is not None  # a shop word too, but hurled as a whole comment
            if _hits_innocent(variant, innocent_streams, language) or (
                not spelled and not whole and term_stream(variant).strip() in stop
            ):
                continue
            key = "spelled:" + variant if spelled else "alone:" + variant if whole else term_keys(variant)[0]
            rows[key] = _row(variant, language, category, severity, action, source, licence)
    if language == "zh-Hans":  # mixed Han/Latin spellings only for the reviewed entries
        readable = {r["term"] for r in rows.values() if r["source"] == OWN_SOURCE}
    else:
        readable = {r["term"] for r in rows.values()}
    for row in rows.values():
        if row["term"] in readable:
            row["reading"] = _safe_reading(row["term"], language, innocent_streams)
    return sorted(rows.values(), key=lambda r: (r["category"], r["term"]))


def _safe_reading(term: str, language: str, innocent_streams: list[str]) -> str:
    """The term's reading, unless one of its spellings hits an innocent comment."""
    found = reading(term, language)
    if not found:
        return ""
    entry = LexiconEntry(
        term=term, language=language, category="other", severity=1, source="-", license="-", reading=found
    )
    if any(_hits_innocent(spelling, innocent_streams, language) for spelling in spellings(entry)[1:]):
        return ""
    return found


def _plainness(term: str) -> tuple[bool, int]:
    """Sort key of the spellings of one key: letters only first, then fewer spaces ("fuck" before
    "f u c k" before "fu*k"), so the row carries the word as a reader writes it."""
    return (not term.replace(" ", "").isalpha(), term.count(" "))


def _row(
    term: str, language: str, category: str, severity: int, action: str, source: str, licence: str
) -> dict[str, str]:
    return {
        "term": term,
        "language": language,
        "category": category,
        "severity": str(severity),
        "action": action,
        "source": source,
        "license": licence,
        "reading": "",
    }


def market_rows(code: str, innocent_streams: list[str]) -> list[dict[str, str]]:
    """The market's own vulgarities (``MARKET_ENTRIES``: Singlish in SG), curated like the others."""
    return [
        _row(term, "en", category, severity, action, f"{OWN_SOURCE}, attested in {source}", OWN_LICENSE)
        for market, term, category, severity, action, source in MARKET_ENTRIES
        if market == code and not _hits_innocent(term, innocent_streams, "en")
    ]


def build(source_dir: Path = DEFAULT_SOURCE_DIR) -> dict[str, int]:
    """Write every market's lexicon.csv; returns rows per market."""
    innocent_streams = [without_safe_words(stream(text)) for _m, text in load_innocent()]
    common = {term_stream(term) for term in COMMON_EN}  # whatever spelling of the key a row carries
    by_language: dict[str, list[dict[str, str]]] = {}
    written: dict[str, int] = defaultdict(int)
    all_terms: set[str] = set()
    for market_dir in sorted(p for p in MARKETS_DIR.iterdir() if (p / "market.toml").is_file()):
        with (market_dir / "market.toml").open("rb") as fh:
            profile = tomllib.load(fh)["profile"]
        languages = list(profile["languages"])
        rows: list[dict[str, str]] = []
        for position, language in enumerate(languages):
            if language not in LANGUAGE_FILES:
                continue
            if language not in by_language:
                by_language[language] = curate_language(language, source_dir, innocent_streams)
            chosen = by_language[language]
            if language == "en" and position > 0:
                chosen = [
                    r
                    for r in chosen
                    if int(r["severity"]) >= 2
                    or term_stream(r["term"]) in common
                    or r["source"] == OWN_SOURCE
                    or r["source"].endswith("addressed only")
                    or letter_spaced(r["term"])
                ]
            rows.extend(chosen)
        rows.extend(market_rows(profile["code"], innocent_streams))
        with (market_dir / "lexicon.csv").open("w", encoding="utf-8", newline="") as fh:
            fh.write(
                f"# Moderation lexicon of {profile['code']}: generated by tools/lexicon/build.py.\n"
                "# Sources and licences per row; see plugins/markets/LEXICON_SOURCES.md.\n"
            )
            writer = csv.DictWriter(
                fh,
                fieldnames=["term", "language", "category", "severity", "action", "source", "license", "reading"],
                lineterminator="\n",
            )
            writer.writeheader()
            writer.writerows(rows)
        written[profile["code"]] = len(rows)
        all_terms.update(r["term"] for r in rows)
    write_plain_doubles(all_terms)
    return dict(written)


PLAIN_DOUBLES_FILE = ROOT / "functions" / "moderation" / "data" / "plain_doubles.txt"


def plain_doubles(terms: set[str]) -> list[str]:
    """Dictionary words with a doubled letter whose collapsed form is a one-word lexicon key of another
    word ("assess" collapses like "asses", a spelling of "a55es"), except words that are terms or
    spelled by one ("asshole"; "boobs" for "b00bs": the same word, caught as before)."""
    spelled: dict[str, set[str]] = defaultdict(set)  # collapsed key -> the words its terms spell
    for term in terms:
        term = alone(term) or term
        for key in term_keys(term):
            bare = key.strip()
            if bare.startswith(ELONGATED) and " " not in bare:
                spelled[bare[1:]].add(fold(term).translate(LEET).replace(" ", ""))
    ordinary = dictionary_words() - {t.lower() for t in terms} - KEEP_DICTIONARY_WORDS - COMMON_EN
    vulgar = [k for k in KEEP_DICTIONARY_WORDS | COMMON_EN if len(k) >= 3 and " " not in k]
    return sorted(
        w
        for w in ordinary
        if w.isalpha()
        and w.isascii()
        and re.search(r"(.)\1", w)
        and collapse(w) in spelled
        and w not in spelled[collapse(w)]
        and categorize(w) == ("profanity", 1)  # no slur, sexual, violent or drug word ("niggas", "fellatio")
        and not any(k in w for k in vulgar)  # nor a form of a kept vulgar word ("shitting", "cumming")
    )


def write_plain_doubles(terms: set[str]) -> int:
    words = plain_doubles(terms)
    PLAIN_DOUBLES_FILE.write_text(
        "# Dictionary words (wamerican) with a doubled letter that collapse like a lexicon term: never\n"
        "# read as elongated. Generated by tools/lexicon/build.py; see normalize.PLAIN_DOUBLES.\n"
        + "".join(w + "\n" for w in words),
        encoding="utf-8",
    )
    return len(words)


def main(argv: list[str]) -> None:
    counts = build(Path(argv[0]) if argv else DEFAULT_SOURCE_DIR)
    for code, count in sorted(counts.items()):
        print(f"{code}: {count}")
    print(f"total rows: {sum(counts.values())}")
