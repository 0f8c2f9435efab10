"""Contact and link spam: URLs, phone numbers and messenger ids (WeChat, WhatsApp, Line, Telegram).

Off-platform contact details are how scams and "DM me for a better price" spam pull buyers out of
a live room, so a viewer's comment holding one is held or rejected by the market's policy; links
are clickable only when a moderator or the host posts them.
"""

from __future__ import annotations

import re

from functions.moderation.normalize import fold

_TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gg|xyz|top|shop|store|online|site|link|click|app|live|vip|club|"
    "cn|hk|tw|sg|my|id|th|vn|ph|jp|kr|de|fr|uk|us|ae|sa|ru|in|au|ca|es|it|nl"
)
# a written dot: "." (no space after it: "f.y.i. it ships" is a sentence), or "(dot)", "[dot]", "点"
_DOT = r"(?:\s*\.|\s*(?:\(dot\)|\[dot\]|点)\s*)"
URL_RE = re.compile(
    rf"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]{{0,62}}(?:{_DOT}[a-z0-9-]{{1,63}})*"
    rf"{_DOT}(?:{_TLDS})\b(?:/\S*)?|\b(?:wa\.me|t\.me|line\.me|bit\.ly)/\S+",
    re.IGNORECASE,
)
# A dot spelled out, in the markets' languages ("dot", "titik", "point", "punkt", "chấm", "จุด",
# "دوت", "ドット") or as a symbol in brackets or an ideographic full stop, between a domain label of
# 3+ characters (or a short-link host) and a top-level domain (also spelled: "คอม", "كوم", "コム").
_SPELLED_DOT = (
    r"(?:\s+(?:dot|d0t|titik|point|punkt|chấm|cham|จุด|دوت|نقطة|どっと)\s+|\s+\.\s+"
    r"|\s*(?:\(\s*\.\s*\)|\[\s*\.\s*\]|\{\s*\.\s*\}|。|｡|、)\s*)"
)
_SPELLED_TLD = {"คอม": "com", "كوم": "com", "こむ": "com", "ดอทคอม": "com"}
_SPELLED_URL_RE = re.compile(
    rf"(?:\b(?:www|[a-z0-9][a-z0-9-]{{2,62}}|t|wa|bit){_SPELLED_DOT})+"
    rf"(?:{_TLDS}|{'|'.join(_SPELLED_TLD)})(?![a-z0-9])(?:\s+slash\s+[a-z0-9_-]+)?"
)
# 8+ digits with optional separators and an optional +country code: a phone number (not a price)
PHONE_RE = re.compile(r"(?<![\w.,#])\+?\d(?:[\s\-().]{0,2}\d){7,14}(?![\w%])")
# Messenger names strong enough on their own, and weak ones that need "id", ":" or "@" after them.
# WeChat is written every way its filters miss: homophones of 微信 (威信, 维信, 卫星), the heart or
# 芯 for 信, "V"/"VX"/"WX" with a plus sign or 加 ("add"), letters spaced or dotted (w.e.c.h.a.t).
_WECHAT = (
    r"[微威薇维卫嶶徽危喂胃]\s*(?:信|芯|星|心|[❤♥♡💗💕]|xin|x)|(?:加|\+|➕|十)\s*(?:v|w|微|薇|威)|"
    r"v\s*[❤♥♡💗💕]|[vw]\W{0,2}x(?![a-z])|v信|wei\s*xin|w\W{0,2}e\W{0,2}c\W{0,2}h\W{0,2}a\W{0,2}t"
)
_STRONG = (
    rf"{_WECHAT}|weixin|wh?ats?\W{{0,2}}s?app?|wts\s*app|tele\W{{0,2}}gra?m|telegrm|kakao|zalo|za\s*lo|"
    r"ไลน์?|らいん|扣扣|qq|企鹅|instagram|واتس\s*اب|واتساب|加我|私聊|私信|联系我"
)
_WEAK = r"l[i!1|]ne|wa|ig|tg|tele|dm\s*me|pm\s*me|hubungi(?:\s*saya)?|ติดต่อ|liên\s*hệ"
# between a name and the id: "id", "号", "ไอดี", a colon, "@", "me", "で連絡" (up to 4 CJK/Thai characters)
_FILLER = r"(?:\s*(?:id|号|號|ไอดี|me|on|[:：=@]|[\u3040-\u30ff\u4e00-\u9fff\u0e00-\u0e7f]{1,4}))*\s*"
MESSENGER_RE = re.compile(
    rf"(?<![a-z])(?:(?:{_STRONG}){_FILLER}@?|(?:{_WEAK})\s*(?:id\s*[:：=]?|[:：=@]|[でに][\u3040-\u30ff\u4e00-\u9fff]{{0,4}})\s*@?)"
    r"[a-z0-9_.\-]*[a-z0-9][a-z0-9_.\-]{4,}",
    re.IGNORECASE,
)


# Cheap first pass: a URL needs a scheme, "www", a short-link host or a dot (plain or spelled)
# before a known TLD.
_TLD_HINT_RE = re.compile(rf"[.\]点)。｡、]\s*(?:{_TLDS})\b|\s(?:{'|'.join(_SPELLED_TLD)})")
_SPELLED_HINT_RE = re.compile(
    r"\b(?:dot|d0t|titik|point|punkt|chấm|cham)\s|\s\.\s|จุด|دوت|نقطة|どっと|\(\s*\.|\[\s*\.|。|｡|、"
)
_MESSENGER_HINT_RE = re.compile(
    r"[微威薇维卫嶶徽危喂胃加+➕十❤♥♡💗💕]|v|w|whats|wts|tele|kakao|zalo|za\s|ไลน|らいん|扣扣|qq|企鹅|instagram|واتس|私|联系|"
    r"l[i!1|]ne|ig|tg|dm|pm|hubungi|ติดต่อ|liên"
)
_PHONE_HINT_RE = re.compile(r"\d[\d\s\-().]{6}")


def _links(folded: str) -> list[str]:
    found = []
    if "://" in folded or "www" in folded or _TLD_HINT_RE.search(folded):
        found = [m.group() for m in URL_RE.finditer(folded)]
    if not found and _SPELLED_HINT_RE.search(folded):
        found = [m.group() for m in _SPELLED_URL_RE.finditer(folded)]
    return found


def _contacts(folded: str) -> list[str]:
    phones = [m.group() for m in PHONE_RE.finditer(folded)] if _PHONE_HINT_RE.search(folded) else []
    if not _MESSENGER_HINT_RE.search(folded):
        return phones
    return phones + [m.group() for m in MESSENGER_RE.finditer(folded)]


def find_links(text: str) -> list[str]:
    """URLs and bare domains (also written with ``(dot)`` or full-width dots)."""
    return _links(fold(text, underscore_separates=False))


def find_contacts(text: str) -> list[str]:
    """Phone numbers and messenger ids."""
    return _contacts(fold(text, underscore_separates=False))


def scan(text: str) -> tuple[list[str], list[str]]:
    """``(links, contacts)`` of ``text``, folding it once."""
    folded = fold(text, underscore_separates=False)
    return _links(folded), _contacts(folded)
