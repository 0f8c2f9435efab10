"""Build the market lexicons (``plugins/markets/<code>/lexicon.csv``) from reviewed sources.

Run ``python -m functions.moderation.curation [LDNOOBW_DIR]`` to regenerate. Sources:

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
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

from pypinyin import lazy_pinyin

from functions.moderation.normalize import stream, term_keys

ROOT = Path(__file__).resolve().parents[2]
MARKETS_DIR = ROOT / "plugins" / "markets"
INNOCENT = ROOT / "bench" / "data" / "innocent_comments.tsv"
DEFAULT_SOURCE_DIR = ROOT.parent / "shared" / "data" / "lexicons" / "ldnoobw-v2"
LDNOOBW_SOURCE = "LDNOOBW-V2@e2f7430 (curated by crosslive)"
LDNOOBW_LICENSE = "CC0-1.0"
OWN_SOURCE = "crosslive curation"
OWN_LICENSE = "Apache-2.0"
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
# English dictionary words (``/usr/share/dict/american-english``, Debian package wamerican) are
# ordinary words unless listed here: the broad list holds thousands of them ("food", "cool", "bass").
DICTIONARY = Path("/usr/share/dict/american-english")
KEEP_DICTIONARY_WORDS = {
    "fuck",
    "fucked",
    "fucker",
    "fuckers",
    "fucking",
    "fucks",
    "shit",
    "shits",
    "shitty",
    "bullshit",
    "horseshit",
    "bitch",
    "bitches",
    "bitchy",
    "cunt",
    "cunts",
    "whore",
    "whores",
    "slut",
    "sluts",
    "slutty",
    "bastard",
    "bastards",
    "asshole",
    "assholes",
    "wanker",
    "wankers",
    "twat",
    "twats",
    "retard",
    "retarded",
    "faggot",
    "faggots",
    "fag",
    "fags",
    "nigger",
    "niggers",
    "nigga",
    "spic",
    "spics",
    "kike",
    "kikes",
    "chink",
    "chinks",
    "gook",
    "gooks",
    "dyke",
    "dykes",
    "tranny",
    "motherfucker",
    "motherfuckers",
    "dickhead",
    "jackass",
    "dumbass",
    "blowjob",
    "handjob",
    "porn",
    "porno",
    "pornography",
    "jizz",
    "clit",
    "boner",
    "hentai",
    "milf",
    "rape",
    "raped",
    "rapist",
    "rapists",
    "crap",
    "crappy",
    "piss",
    "bugger",
    "bollocks",
    "wank",
    "arse",
    "arsehole",
    "skank",
    "homo",
    "spastic",
    "moron",
    "morons",
    "imbecile",
    "douchebag",
    "shithead",
    "scumbag",
    "wetback",
    "beaner",
    "raghead",
    "towelhead",
    "cocksucker",
    "pussies",
    "cum",
    "dick",
    "dicks",
    "prick",
}
COMMON_EN = {
    "fuck",
    "fucking",
    "fucker",
    "motherfucker",
    "shit",
    "bullshit",
    "bitch",
    "bastard",
    "asshole",
    "cunt",
    "dick",
    "dickhead",
    "pussy",
    "whore",
    "slut",
    "wanker",
    "twat",
    "prick",
    "douchebag",
    "jackass",
    "dumbass",
    "piss off",
    "son of a bitch",
    "goddamn",
    "crap",
    "bollocks",
    "retard",
    "stfu",
    "wtf",
    "fck",
}

# Ordinary words in a shop (or names, places) that the broad lists contain.
SHOP_WORDS: dict[str, set[str]] = {
    "en": {
        "ass",
        "balls",
        "ball",
        "bang",
        "beaver",
        "blow",
        "bra",
        "bum",
        "butt",
        "cock",
        "cocks",
        "cum",
        "crack",
        "kill",
        "screw",
        "sex",
        "suck",
        "tit",
        "tits",
        "weed",
        "hot",
        "wet",
        "hard",
        "hole",
        "meat",
        "nuts",
        "job",
        "pink",
        "come",
        "die",
        "drug",
        "drugs",
        "gay",
        "lesbian",
        "bisexual",
        "nude",
        "naked",
        "sexy",
        "strip",
        "stripper",
        "thong",
        "lingerie",
        "panties",
        "bikini",
        "condom",
        "breast",
        "breasts",
        "nipple",
        "nipples",
        "kinky",
        "god",
        "hell",
        "damn",
        "bloody",
        "sucks",
        "pot",
        "coke",
        "crystal",
        "snow",
        "ice",
        "grass",
        "speed",
        "molly",
        "tramp",
        "hooker",
        "pussy willow",
        "dick blick",
        "shiitake",
        "cocktail",
        "cockscomb",
        "hancock",
        "matsushita",
        "melon",
        "trio",
        "terms",
        "copa",
        "vis",
        "volar",
        "hoy",
        "pino",
        "ligas",
        "lebo",
        "sab",
        "hamas",
        "usama",
        "haji",
        "femme",
        "punky",
        "grrl",
        "girlf",
        "gurlz",
        "swtf",
        "essex",
        "middlesex",
        "analysis",
        "therapist",
        "assorted",
        "titanium",
        "cumin",
        "scunthorpe",
        "bomb",
        "killer",
        "sml",
        "omg",
        "lol",
        "lmao",
        "fanny",
        "com",
        "net",
        "org",
        "www",
        "http",
        "https",
        "html",
        "php",
        "xxx",
        "shorts",
        "lube",
        "vibrator",
        "dildo",
        "adult",
        "erotic",
        "fetish",
        "latex",
        "leather",
        "bondage",
        "spank",
        "ho",
        "hoe",
        "hoes",
        "knob",
        "willy",
        "muff",
        "pecker",
        "jugs",
        "melons",
        "rack",
        "booty",
        "thick",
        "babe",
        "honey",
        "sugar",
        "queer",
        "black",
        "white",
        "asian",
        "african",
        "jewish",
        "muslim",
        "christian",
        "arab",
        "mexican",
        "chinese",
        "japanese",
        "fat",
        "ugly",
        "stupid",
        "dumb",
        "idiot",
        "lame",
        "sick",
        "insane",
        "crazy",
        "mad",
        "pig",
        "cow",
        "dog",
        "monkey",
        "ape",
        "rat",
        "snake",
        "bitchin",
        "sucker",
        "bust",
        "busty",
        "facial",
        "swallow",
        "deep",
        "throat",
        "lick",
        "licker",
        "tongue",
        "mouth",
        "kiss",
        "hug",
        "bed",
        "sleep",
        "wank",
        "baby",
        "babies",
        "boy",
        "girl",
        "girls",
        "boys",
        "women",
        "men",
        "teen",
        "teens",
        "young",
        "old",
        "mature",
        "granny",
        "mom",
        "mother",
        "dad",
        "daddy",
        "sister",
        "brother",
        "uncle",
        "aunt",
    },
    "id": {
        "pulsa",
        "klik",
        "tol",
        "gagah",
        "babi",
        "leak",
        "intip",
        "pesta pora",
        "cabe",
        "cabo",
        "kampung",
        "orang kampung",
        "grogol",
        "bandot",
        "rejim",
        "narkotika",
        "celaka",
        "puting",
        "susu",
        "burung",
        "telur",
        "bokong",
        "pantat",
        "kontol kuda",
    },
    "ms": {"burit", "telur", "burung", "pantat", "susu"},
    "fil": {"puke", "titi"},
    "th": {"ขอบ", "เขื่อนกั้นน้ำ", "สเปิร์ม", "ช่วยตัวเอง", "นีโกร", "ควาย", "ค ว า ย", "ดอก", "นม", "ตูด"},
    "vi": {"đồ", "bò", "chó", "lợn", "heo", "gà", "vịt", "dê"},
    "zh-Hans": {"bi", "cao", "bug回报人员"},
    "de": {"geil", "busen", "titten", "bumsen", "schwanz"},
    "fr": {"chatte", "bite", "queue", "con", "conne", "cul", "balle", "baiser", "chat"},
    "ar": {"كلب", "حمار"},
    "ja": {"ちん", "まん"},
    "es": {"coño", "polla", "culo", "huevos", "concha", "paja", "leche"},
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


# (term, language, category, severity, action) curated by crosslive.
OWN_ENTRIES: list[tuple[str, str, str, int, str]] = [
    # Chinese insults, slurs and threats (Simplified; Traditional is folded to Simplified on match)
    *[
        (t, "zh-Hans", "profanity", 1, "mask")
        for t in (
            "傻逼",
            "煞笔",
            "沙比",
            "傻屄",
            "他妈的",
            "他妈",
            "你妈的",
            "妈的",
            "卧槽",
            "我操",
            "草泥马",
            "操你妈",
            "操你",
            "尼玛的",
            "狗日的",
            "王八蛋",
            "混蛋",
            "贱人",
            "婊子",
            "绿茶婊",
            "贱货",
            "滚蛋",
            "滚犊子",
            "脑残",
            "弱智",
            "智障",
            "白痴",
            "屌丝",
            "装逼",
            "牛逼",
            "逼样",
            "狗东西",
            "死全家",
            "干你娘",
            "去你妈的",
            "日你妈",
            "废物",
            "垃圾主播",
            "丑八怪",
            "骚货",
            "臭婊子",
            "蠢货",
            "神经病",
            "二逼",
            "傻叉",
            "傻缺",
            "sb主播",
        )
    ],
    *[
        (t, "zh-Hans", "hate", 3, "reject")
        for t in (
            "黑鬼",
            "支那",
            "支那人",
            "小日本",
            "日本鬼子",
            "鬼子",
            "阿三",
            "高丽棒子",
            "黑皮猪",
            "尼哥",
            "绿绿",
            "回回",
            "东亚病夫",
            "穆斯林猪",
            "杀光",
            "灭族",
        )
    ],
    *[(t, "zh-Hans", "violence", 3, "reject") for t in ("去死吧", "杀了你", "弄死你", "砍死你", "全家死光", "炸死")],
    *[
        (t, "zh-Hans", "scam", 2, "hold")
        for t in (
            "刷单",
            "兼职日结",
            "日赚千元",
            "稳赚不赔",
            "加群领红包",
            "免费领取iphone",
            "私聊低价",
            "高仿",
            "原单",
            "代开发票",
            "网赌",
            "博彩",
            "百家乐",
            "彩票群",
            "裸聊",
            "约炮",
        )
    ],
    *[(t, "zh-Hans", "spam", 2, "hold") for t in ("互粉", "互关", "关注我主页", "点我头像")],
    # Southeast Asian gambling, loan-shark and scam spam (common in live rooms)
    *[
        (t, "id", "scam", 2, "hold")
        for t in (
            "slot gacor",
            "situs judi",
            "judi online",
            "judi slot",
            "togel",
            "bandar togel",
            "pinjol ilegal",
            "investasi bodong",
            "dijamin untung",
            "modal kecil untung besar",
            "link alternatif",
            "maxwin",
            "deposit pulsa",
            "bonus new member",
            "daftar sekarang juga",
            "kerja online gaji harian",
        )
    ],
    *[
        (t, "ms", "scam", 2, "hold")
        for t in (
            "judi online",
            "slot online",
            "pinjaman segera tanpa dokumen",
            "duit cepat",
            "untung berganda",
        )
    ],
    *[
        (t, "th", "scam", 2, "hold")
        for t in (
            "บาคาร่า",
            "สล็อตออนไลน์",
            "เว็บพนัน",
            "แทงบอลออนไลน์",
            "เครดิตฟรี",
            "ฝากถอนไม่มีขั้นต่ำ",
            "เงินกู้ด่วน",
            "รายได้เสริมวันละ",
        )
    ],
    *[
        (t, "vi", "scam", 2, "hold")
        for t in (
            "cá độ",
            "nhà cái",
            "tài xỉu",
            "nổ hũ",
            "lô đề",
            "vay tiền nhanh",
            "kiếm tiền online",
            "việc nhẹ lương cao",
        )
    ],
    *[
        (t, "fil", "scam", 2, "hold")
        for t in ("online sabong", "e-sabong", "online casino", "easy money", "loan agad", "legit paying")
    ],
    *[
        (t, "en", "scam", 2, "hold")
        for t in (
            "crypto giveaway",
            "double your money",
            "guaranteed profit",
            "guaranteed returns",
            "free iphone",
            "click my profile",
            "check my bio",
            "dm me for investment",
            "binary options",
            "forex signals",
            "cash app flip",
            "work from home earn",
            "earn $500 a day",
            "online casino",
            "bitcoin doubler",
        )
    ],
    *[
        (t, "en", "spam", 2, "hold")
        for t in (
            "sub4sub",
            "follow4follow",
            "follow back",
            "follow me back",
            "check out my channel",
            "visit my page",
        )
    ],
    *[(t, "ar", "scam", 2, "hold") for t in ("ربح مضمون", "استثمار مضمون", "كازينو اون لاين", "مراهنات")],
    *[(t, "de", "scam", 2, "hold") for t in ("garantierter gewinn", "online casino", "schnell reich")],
    *[(t, "fr", "scam", 2, "hold") for t in ("gain garanti", "casino en ligne", "argent facile")],
    *[(t, "ja", "scam", 2, "hold") for t in ("オンラインカジノ", "副業で月収", "確実に儲かる", "裏バイト")],
    *[(t, "ja", "violence", 2, "hold") for t in ("死ね", "氏ね", "くたばれ", "殺すぞ", "ぶっ殺す", "消えろ")],
    *[(t, "ja", "profanity", 1, "mask") for t in ("きもい", "キモい", "ブス", "クソ野郎", "うざい", "バカ野郎")],
    *[(t, "ar", "profanity", 1, "mask") for t in ("ابن الكلب", "يا كلب", "يا حمار", "ابن الحرام")],
    *[(t, "vi", "profanity", 1, "mask") for t in ("chó đẻ", "đồ chó", "đụ má", "địt mẹ", "óc chó", "ngu như chó")],
    *[(t, "th", "profanity", 1, "mask") for t in ("ไอ้สัส", "อีสัส", "ไอ้เหี้ย", "อีดอก", "ไอ้ควาย")],
    *[
        (t, "en", "violence", 3, "reject")
        for t in (
            "kill yourself",
            "kys",
            "i will kill you",
            "go kill yourself",
            "hope you die",
            "i will find you",
        )
    ],
]


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


def curate_language(language: str, source_dir: Path, innocent_streams: list[str]) -> list[dict[str, str]]:
    """Curated rows of one language (LDNOOBW plus own entries)."""
    rows: dict[str, dict[str, str]] = {}
    ordinary = dictionary_words() if language == "en" else set()
    stop = {stream(w).strip() for w in SHOP_WORDS.get(language, set())}
    path = source_dir / "data" / f"{LANGUAGE_FILES[language]}.txt"
    raw = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in raw:
        term = line.strip().lower()
        if not _usable(term) or stream(term).strip() in stop or term in ordinary:
            continue
        keys = term_keys(term)
        if any(key in s for key in keys for s in innocent_streams):
            continue
        category, severity = categorize(stream(term).strip()) if language == "en" else ("profanity", 1)
        row = {
            "term": term,
            "language": language,
            "category": category,
            "severity": str(severity),
            "action": "",
            "source": LDNOOBW_SOURCE,
            "license": LDNOOBW_LICENSE,
        }
        old = rows.get(keys[0])
        if old is None:
            rows[keys[0]] = row
        else:  # spellings of one key (nigger, n1gger): keep the strongest rating, the plainest spelling
            if int(row["severity"]) > int(old["severity"]):
                old.update(category=row["category"], severity=row["severity"])
            if term.replace(" ", "").isalpha() and not old["term"].replace(" ", "").isalpha():
                old["term"] = term
    for term, lang, category, severity, action in OWN_ENTRIES:
        if lang != language:
            continue
        variants = [term, *pinyin_variants(term)] if severity >= 2 or lang == "zh-Hans" else [term]
        for variant in variants:
            keys = term_keys(variant)
            if not keys or any(key in s for key in keys for s in innocent_streams):
                continue
            rows[keys[0]] = {
                "term": variant,
                "language": lang,
                "category": category,
                "severity": str(severity),
                "action": action,
                "source": OWN_SOURCE,
                "license": OWN_LICENSE,
            }
    return sorted(rows.values(), key=lambda r: (r["category"], r["term"]))


def build(source_dir: Path = DEFAULT_SOURCE_DIR) -> dict[str, int]:
    """Write every market's lexicon.csv; returns rows per market."""
    innocent_streams = [stream(text) for _m, text in load_innocent()]
    by_language: dict[str, list[dict[str, str]]] = {}
    written: dict[str, int] = defaultdict(int)
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
                    r for r in chosen if int(r["severity"]) >= 2 or r["term"] in COMMON_EN or r["source"] == OWN_SOURCE
                ]
            rows.extend(chosen)
        with (market_dir / "lexicon.csv").open("w", encoding="utf-8", newline="") as fh:
            fh.write(
                f"# Moderation lexicon of {profile['code']}: generated by functions/moderation/curation.py.\n"
                "# Sources and licences per row; see plugins/markets/LEXICON_SOURCES.md.\n"
            )
            writer = csv.DictWriter(
                fh,
                fieldnames=["term", "language", "category", "severity", "action", "source", "license"],
                lineterminator="\n",
            )
            writer.writeheader()
            writer.writerows(rows)
        written[profile["code"]] = len(rows)
    return dict(written)


if __name__ == "__main__":
    counts = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE_DIR)
    for code, count in sorted(counts.items()):
        print(f"{code}: {count}")
    print(f"total rows: {sum(counts.values())}")
