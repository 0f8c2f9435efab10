"""The labelled evasion corpus of ``crosslive bench moderation`` (``bench/data/evasion_corpus.tsv``).

Built deterministically from hand-written seeds (crosslive curation, Apache-2.0): bad phrases of
several languages, each obfuscated the ways trolls do (separators, zero-width characters,
full-width letters, homoglyphs, leetspeak, repeated letters, Traditional Chinese, pinyin), and
innocent look-alikes: words that contain a bad word (Scunthorpe), shop words that broad lists
carry, model numbers, Thai and Chinese text with a bad substring's neighbours. The seeds are not
read from the lexicons, so recall measures what a lexicon plus normalization really catches.

``python -m bench.moderation_corpus`` rewrites the file.
"""

from __future__ import annotations

import random
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "evasion_corpus.tsv"

# (market, language, phrase): abusive in the market's language
BAD_SEEDS: list[tuple[str, str, str]] = [
    ("US", "en", "fuck you"),
    ("US", "en", "you stupid bitch"),
    ("US", "en", "piece of shit"),
    ("US", "en", "kill yourself"),
    ("US", "en", "dumb cunt"),
    ("US", "en", "son of a bitch"),
    ("US", "en", "what an asshole"),
    ("US", "en", "shut up motherfucker"),
    ("US", "en", "go away faggot"),
    ("US", "en", "this host is a whore"),
    ("SG", "en", "wanker seller"),
    ("PH", "en", "bullshit price"),
    ("CN", "zh-Hans", "傻逼主播"),
    ("CN", "zh-Hans", "操你妈"),
    ("CN", "zh-Hans", "草泥马"),
    ("CN", "zh-Hans", "去死吧你"),
    ("CN", "zh-Hans", "你他妈的"),
    ("CN", "zh-Hans", "脑残主播"),
    ("CN", "zh-Hans", "小日本滚"),
    ("SG", "zh-Hans", "贱人"),
    ("MY", "zh-Hans", "王八蛋"),
    ("TH", "th", "ควย"),
    ("TH", "th", "เหี้ย"),
    ("TH", "th", "ไอ้สัส"),
    ("TH", "th", "อีดอก"),
    ("ID", "id", "dasar bangsat"),
    ("ID", "id", "kontol"),
    ("ID", "id", "goblok lu"),
    ("ID", "id", "slot gacor hari ini"),
    ("ID", "id", "ngentot"),
    ("VN", "vi", "địt mẹ mày"),
    ("VN", "vi", "đồ chó đẻ"),
    ("VN", "vi", "đụ má"),
    ("DE", "de", "du arschloch"),
    ("DE", "de", "hurensohn"),
    ("DE", "de", "fick dich"),
    ("FR", "fr", "connard"),
    ("FR", "fr", "va te faire foutre"),
    ("FR", "fr", "sale pute"),
    ("FR", "fr", "enculé"),
    ("AE", "ar", "كس امك"),
    ("SA", "ar", "شرموطة"),
    ("AE", "ar", "يا ابن الكلب"),
    ("JP", "ja", "死ね"),
    ("JP", "ja", "くたばれ"),
    ("PH", "fil", "putang ina mo"),
    ("PH", "fil", "gago ka"),
    ("MY", "ms", "pukimak"),
    ("MY", "ms", "bodoh sial"),
    ("US", "es", "hijo de puta"),
    ("US", "es", "pendejo"),
]
# (market, language, text): innocent, but close to something bad
INNOCENT_LOOKALIKES: list[tuple[str, str, str]] = [
    ("US", "en", "hello everyone"),
    ("US", "en", "is this class A leather"),
    ("US", "en", "my assessment: great"),
    ("US", "en", "shipping to Scunthorpe?"),
    ("US", "en", "the cocktail dress please"),
    ("US", "en", "Hancock county"),
    ("US", "en", "shiitake snack pack"),
    ("US", "en", "passion fruit flavour"),
    ("US", "en", "I assume it ships today"),
    ("US", "en", "grass green colour"),
    ("US", "en", "bass guitar strap"),
    ("US", "en", "what's the title"),
    ("US", "en", "Essex and Sussex delivery"),
    ("US", "en", "pussy willow print"),
    ("US", "en", "therapist approved"),
    ("US", "en", "glass bottle"),
    ("US", "en", "massage gun price"),
    ("US", "en", "shell buttons"),
    ("US", "en", "cumulative discount"),
    ("US", "en", "Galaxy A55 case"),
    ("US", "en", "RTX4090 stock"),
    ("US", "en", "cockpit model kit"),
    ("US", "en", "Matsushita rice cooker"),
    ("US", "en", "analysis of fabric"),
    ("US", "en", "buttress earrings"),
    ("US", "en", "document bag"),
    ("US", "en", "specialist advice"),
    ("US", "en", "a hell of a deal"),
    ("US", "en", "size 8 please"),
    ("US", "en", "sooo pretty"),
    ("US", "en", "f.y.i. it ships monday"),
    ("US", "en", "s m l xl available?"),
    ("SG", "en", "can pay by PayNow?"),
    ("CN", "zh-Hans", "这个颜色最好看"),
    ("CN", "zh-Hans", "主播好漂亮"),
    ("CN", "zh-Hans", "傻傻分不清楚颜色"),
    ("CN", "zh-Hans", "逼真的效果"),
    ("CN", "zh-Hans", "妈妈穿合适吗"),
    ("CN", "zh-Hans", "马上下单"),
    ("CN", "zh-Hans", "草莓色还有吗"),
    ("CN", "zh-Hans", "日本发货吗"),
    ("CN", "zh-Hans", "滚筒洗衣机能洗吗"),
    ("TH", "th", "ควายเผือก ลายนี้สวย"),
    ("TH", "th", "หีบห่อสวยมาก"),
    ("TH", "th", "สัสดีค่ะ"),
    ("TH", "th", "ราคาเท่าไหร่คะ"),
    ("TH", "th", "ดอกไม้ลายนี้สวย"),
    ("ID", "id", "anjungan tunai"),
    ("ID", "id", "kontainer besar"),
    ("ID", "id", "goblet kaca"),
    ("ID", "id", "bangsawan style"),
    ("ID", "id", "slot kartu sim ada dua"),
    ("VN", "vi", "đụng hàng không shop"),
    ("VN", "vi", "mẹ mình mặc được không"),
    ("VN", "vi", "chó cưng mặc vừa không"),
    ("DE", "de", "Arschtasche der Jeans"),
    ("DE", "de", "Hurra, es ist da"),
    ("DE", "de", "Ficktion? nein, Fiktion"),
    ("FR", "fr", "connaissez-vous la taille"),
    ("FR", "fr", "putois en peluche"),
    ("FR", "fr", "encadré doré"),
    ("AE", "ar", "كم السعر"),
    ("AE", "ar", "هل يوجد مقاس كبير"),
    ("JP", "ja", "死ぬほど可愛い"),
    ("JP", "ja", "くださいな"),
    ("PH", "fil", "magkano po ito"),
    ("PH", "fil", "gagawin ko bukas"),
    ("MY", "ms", "boleh pos ke Sabah"),
    ("US", "es", "hijo de mi amiga"),
    ("US", "es", "¿tienen talla mediana?"),
]

_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у", "i": "і"}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7"}
_TRADITIONAL = str.maketrans(
    {
        "妈": "媽",
        "脑": "腦",
        "残": "殘",
        "骂": "罵",
        "贱": "賤",
        "马": "馬",
        "逼": "逼",
        "滚": "滾",
        "王": "王",
        "蛋": "蛋",
        "主": "主",
        "播": "播",
        "死": "死",
        "吧": "吧",
    }
)


def _latin(text: str) -> bool:
    return any("a" <= c <= "z" for c in text.lower())


def obfuscations(text: str, language: str, rng: random.Random) -> list[tuple[str, str]]:
    """(technique, text) variants of one bad phrase."""
    out = [("plain", text), ("upper", text.upper())]
    words = text.split()
    target = max(range(len(words)), key=lambda i: len(words[i])) if words else 0

    def on_word(transform: object) -> str:
        assert callable(transform)
        return " ".join(transform(w) if i == target else w for i, w in enumerate(words))

    out.append(("separators", on_word(lambda w: rng.choice([".", "-", "*", "_", " "]).join(w))))
    out.append(("zero-width", on_word(lambda w: "\u200b".join(w))))
    out.append(("full-width", "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)))
    if _latin(text):
        out.append(("homoglyphs", on_word(lambda w: "".join(_HOMOGLYPHS.get(c, c) for c in w))))
        out.append(
            (
                "leetspeak",
                on_word(
                    lambda w: w[0] + "".join(_LEET.get(c, c) for c in w[1:-1]) + w[-1] if len(w) > 2 else w
                ),
            )
        )
        out.append(
            (
                "repeated",
                on_word(lambda w: "".join(c * 4 if i == len(w) // 2 else c for i, c in enumerate(w))),
            )
        )
        out.append(("mixed", on_word(lambda w: ".".join(_HOMOGLYPHS.get(c, c) for c in w).upper())))
    if language == "zh-Hans":
        out.append(("traditional", text.translate(_TRADITIONAL)))
        out.append(("symbol-inside", rng.choice(["@", "#", "*", "~"]).join(text)))
        from pypinyin import lazy_pinyin

        out.append(("pinyin", " ".join(lazy_pinyin(text))))
    return out


def build(seed: int = 7) -> list[tuple[int, str, str, str, str]]:
    """Rows ``(label, market, language, technique, text)``; label 1 = should be caught."""
    rng = random.Random(seed)
    rows: list[tuple[int, str, str, str, str]] = []
    for market, language, phrase in BAD_SEEDS:
        for technique, text in obfuscations(phrase, language, rng):
            rows.append((1, market, language, technique, text))
    for market, language, text in INNOCENT_LOOKALIKES:
        rows.append((0, market, language, "lookalike", text))
    return rows


def write(path: Path = CORPUS) -> int:
    rows = build()
    with path.open("w", encoding="utf-8") as fh:
        fh.write("# crosslive evasion corpus (Apache-2.0), built by bench/moderation_corpus.py.\n")
        fh.write("# label<TAB>market<TAB>language<TAB>technique<TAB>text; label 1 = abusive, 0 = innocent.\n")
        for row in rows:
            fh.write("\t".join(str(v).replace("\t", " ") for v in row) + "\n")
    return len(rows)


def load(path: Path = CORPUS) -> list[tuple[int, str, str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, market, language, technique, text = line.split("\t", 4)
            rows.append((int(label), market, language, technique, text))
    return rows


if __name__ == "__main__":
    print(f"{write()} rows -> {CORPUS}")
