"""The words of contact spam per language, for ``plugins/markets/<code>/contact_words.toml``.

``python -m tools.lexicon.contact_words`` writes one file per built-in market, holding every language
of the market's profile, so a region that enables only some markets still reads phone numbers
spelled in each of their languages (``functions/moderation/contacts.py``, through the
``contact_words`` hook):

* ``numbers``: how a phone number is read aloud, word -> digits. Cardinals 0-99 come from
  ``num2words`` (pinned in the ``lexicon`` extra, used here only: the shipped data is plain TOML)
  for the languages it spells (en, es, de, fr, id, vi, ar; and for ja, th the digits 0-9 with the
  kana readings), because French and German read phone numbers in pairs ("zéro six, douze,
  trente-quatre", "vierunddreißig") and English in groups ("twenty one"). num2words spells numbers
  in one direction only (digits -> words), which is what curation needs; ``text2num`` and
  ``number-parser`` parse the other way at run time and know none of th, ja, zh, vi, id, ms, fil.
  Languages num2words lacks (zh, ms, fil) and the words people say for digits in phone numbers
  that no cardinal table holds ("oh", "zwo", "kosong", 幺, まる, โท, colloquial Arabic) are listed
  here by hand (``SPOKEN``), each with where it is from.
* ``repeat``: "double five" = 55.
* ``dot`` and ``tld``: the dot of a URL and a top-level domain said in the language ("punkt",
  "titik", "chấm", "نقطة", "ドット", "点"; "كوم", "ドットコム").
* ``cues``: words that ask to be called or written to (a 7-8 digit run counts only near one).
* ``refs``: words naming an order, parcel or invoice number (a digit run right after one is that
  number, not a phone number).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from num2words import num2words

ROOT = Path(__file__).resolve().parents[2]
MARKETS = ROOT / "plugins" / "markets"
NUM2WORDS = "num2words 0.5.14"
# language -> num2words language code, and how many cardinals a phone number is read with there
GENERATED = {"en": ("en", 99), "es": ("es", 99), "de": ("de", 99), "fr": ("fr", 99), "id": ("id", 99),
             "vi": ("vi", 99), "ar": ("ar", 99), "th": ("th", 9), "ja": ("ja", 9)}  # fmt: skip
# Words said for digits that no cardinal table of num2words holds, per language, with their source.
SPOKEN: dict[str, tuple[str, dict[str, str]]] = {
    "en": ("spoken digits of telephone English ('oh' for zero, Cambridge Dictionary 'oh' sense 2)",
           {"oh": "0", "nought": "0", "o": "0"}),
    "es": ("", {}),
    "de": ("'zwo' for zwei on the phone (Duden, 'zwo')", {"zwo": "2"}),
    "fr": ("", {}),
    "id": ("'kosong' for zero in spoken numbers (KBBI, 'kosong' 4)", {"kosong": "0"}),
    "ms": ("Malay cardinals (Dewan Bahasa dan Pustaka, Pusat Rujukan Persuratan Melayu), "
           "'kosong' for zero in phone numbers",
           {"kosong": "0", "sifar": "0", "satu": "1", "dua": "2", "tiga": "3", "empat": "4", "lima": "5",
            "enam": "6", "tujuh": "7", "lapan": "8", "sembilan": "9", "sepuluh": "10"}),
    "fil": ("Filipino cardinals and the Spanish-derived ones used for phone numbers (KWF Diksiyonaryo)",
            {"sero": "0", "zero": "0", "isa": "1", "dalawa": "2", "tatlo": "3", "apat": "4", "lima": "5",
             "anim": "6", "pito": "7", "walo": "8", "siyam": "9", "uno": "1", "dos": "2", "tres": "3",
             "kwatro": "4", "singko": "5", "sais": "6", "siyete": "7", "otso": "8", "nuwebe": "9"}),
    "th": ("'โท' for two in spoken phone numbers (Royal Institute Dictionary, โท 2)", {"โท": "2"}),
    "vi": ("spoken variants of digits: 'bẩy' (7), 'tư' (4), 'lăm' (5) (Từ điển tiếng Việt, Hoàng Phê)",
           {"bẩy": "7", "tư": "4", "lăm": "5", "linh": "0"}),
    "ja": ("kana readings said for digits: ぜろ, まる, れい (0), し (4), しち (7), く (9)",
           {"ぜろ": "0", "まる": "0", "れい": "0", "〇": "0", "し": "4", "しち": "7", "く": "9", "きゅう": "9"}),
    "zh-Hans": ("Chinese digits and their phone-reading forms: 幺 (1), 两 (2), 〇 (0) (现代汉语词典)",
                {"零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
                 "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}),
    "ar": ("colloquial (Gulf, Egyptian, Levantine) digits: اتنين, تلاتة, تمانية, واحد",
           {"اتنين": "2", "اثنين": "2", "ثنين": "2", "تلاتة": "3", "تلاته": "3", "تمانية": "8",
            "تمانيه": "8", "ثمان": "8", "اربع": "4", "خمس": "5", "ست": "6", "سبع": "7", "تسع": "9"}),
}  # fmt: skip
REPEAT = {"en": {"double": 2, "triple": 3}, "fr": {"double": 2, "triple": 3}}
DOT = {"en": ["dot"], "es": ["punto"], "de": ["punkt"], "fr": ["point"], "id": ["titik"], "ms": ["titik"],
       "fil": ["tuldok", "dot"], "th": ["จุด", "ดอท"], "vi": ["chấm", "cham"], "ja": ["ドット", "てん"],
       "zh-Hans": ["点", "點"], "ar": ["نقطة", "دوت", "دot"]}  # fmt: skip
TLD = {"th": {"คอม": "com", "ดอทคอม": "com"}, "ar": {"كوم": "com", "نت": "net"},
       "ja": {"コム": "com", "ドットコム": "com", "ネット": "net"}, "zh-Hans": {"康姆": "com"}}  # fmt: skip
CUES = {
    "en": ["call", "text", "phone", "tel", "number", "ring", "sms", "contact", "reach", "hotline", "mobile", "cell"],
    "es": ["llama", "llámame", "número", "teléfono", "escríbeme", "celular"],
    "de": ["anrufen", "ruf", "ruft", "nummer", "telefon", "handy", "melde", "schreib"],
    "fr": ["appelle", "appelez", "appel", "numéro", "tél", "téléphone", "portable", "contactez"],
    "id": ["hubungi", "telepon", "telp", "nomor", "nomer", "no", "hp", "wa", "sms", "kontak", "chat"],
    "ms": ["hubungi", "telefon", "nombor", "no", "hp", "wasap", "mesej"],
    "fil": ["tawag", "tawagan", "numero", "text", "cp", "kontakin", "i-text"],
    "th": ["โทร", "เบอร์", "ติดต่อ", "แอด"],
    "vi": ["gọi", "số", "sđt", "điện thoại", "liên hệ", "nhắn", "zalo"],
    "ja": ["でんわ", "電話", "番号", "れんらく", "連絡", "ばんごう"],
    "zh-Hans": ["电话", "打", "号码", "联系", "手机", "加", "微信", "拨"],
    "ar": ["اتصل", "اتصلوا", "رقم", "رقمي", "كلمني", "كلموني", "تواصل", "جوال", "موبايل", "واتس"],
}  # fmt: skip
REFS = {
    "en": ["order", "order no", "tracking", "invoice", "ref", "sku", "receipt", "awb"],
    "es": ["pedido", "factura"],
    "de": ["bestellung", "bestellnummer", "sendung", "rechnung", "auftrag"],
    "fr": ["commande", "colis", "facture", "suivi"],
    "id": ["pesanan", "resi", "invoice", "no resi", "kode pesanan"],
    "ms": ["pesanan", "tempahan", "resit", "no tracking"],
    "fil": ["order", "tracking", "resibo"],
    "th": ["คำสั่งซื้อ", "เลขพัสดุ", "ออเดอร์", "พัสดุ"],
    "vi": ["đơn", "đơn hàng", "mã đơn", "mã vận đơn", "vận đơn"],
    "ja": ["注文", "ちゅうもん", "伝票", "おといあわせばんごう"],
    "zh-Hans": ["订单", "单号", "快递", "运单"],
    "ar": ["طلب", "الطلب", "شحنة", "فاتورة"],
}  # fmt: skip


def _variants(words: str) -> list[str]:
    """A num2words spelling as written with hyphens, spaces or run together."""
    forms = {words, words.replace("-", " "), re.sub(r" و ", " و", words)}
    return sorted(f for f in forms if f)


def numbers(language: str) -> dict[str, str]:
    """Word (as written, before folding) -> the digits it is read as."""
    found: dict[str, str] = {}
    if language in GENERATED:
        code, top = GENERATED[language]
        for value in range(top + 1):
            for form in _variants(num2words(value, lang=code)):
                found.setdefault(form, str(value))
            if code == "ja":
                found.setdefault(num2words(value, lang=code, reading=True), str(value))
    found.update(SPOKEN.get(language, ("", {}))[1])
    return found


def source(language: str) -> str:
    parts = []
    if language in GENERATED:
        code, top = GENERATED[language]
        parts.append(f"{NUM2WORDS} (lang='{code}'{', reading=True' if code == 'ja' else ''}), 0-{top}")
    spoken = SPOKEN.get(language, ("", {}))[0]
    if spoken:
        parts.append(f"by hand: {spoken}")
    return "; ".join(parts)


def _quote(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(languages: list[str]) -> str:
    lines = [
        "# Contact-spam words of this market's languages: phone numbers read aloud, the spoken dot of a URL,",
        "# words asking to be called. Generated by `python -m tools.lexicon.contact_words`; edit the tool.",
    ]
    for language in languages:
        lines += ["", "[[languages]]", f"language = {_quote(language)}", f"source = {_quote(source(language))}"]
        lines.append("dot = [" + ", ".join(map(_quote, DOT.get(language, []))) + "]")
        lines.append("cues = [" + ", ".join(map(_quote, CUES.get(language, []))) + "]")
        lines.append("refs = [" + ", ".join(map(_quote, REFS.get(language, []))) + "]")
        lines.append("[languages.tld]")
        lines += [f"{_quote(k)} = {_quote(v)}" for k, v in TLD.get(language, {}).items()]
        lines.append("[languages.repeat]")
        lines += [f"{_quote(k)} = {v}" for k, v in REPEAT.get(language, {}).items()]
        lines.append("[languages.numbers]")
        lines += [f"{_quote(word)} = {_quote(digits)}" for word, digits in numbers(language).items()]
    return "\n".join(line for line in lines if line) + "\n"


def write() -> int:
    """Write every built-in market's ``contact_words.toml``; the number of files written."""
    count = 0
    for market in sorted(p for p in MARKETS.iterdir() if (p / "market.toml").is_file()):
        profile = tomllib.loads((market / "market.toml").read_text(encoding="utf-8"))["profile"]
        (market / "contact_words.toml").write_text(render(list(profile["languages"])), encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    print(f"contact words: {write()} markets")
