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
URL_RE = re.compile(
    rf"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]{{0,62}}(?:\s*(?:\.|\(dot\)|\[dot\]|点)\s*[a-z0-9-]{{1,63}})*"
    rf"\s*(?:\.|\(dot\)|\[dot\]|点)\s*(?:{_TLDS})\b(?:/\S*)?|\b(?:wa\.me|t\.me|line\.me|bit\.ly)/\S+",
    re.IGNORECASE,
)
# 8+ digits with optional separators and an optional +country code: a phone number (not a price)
PHONE_RE = re.compile(r"(?<![\w.,#])\+?\d(?:[\s\-().]{0,2}\d){7,14}(?![\w%])")
# Messenger names strong enough on their own, and weak ones that need "id", ":" or "@" after them.
_STRONG = (
    r"微信|威信|薇信|加微|v信|vx|wx|wechat|weixin|whats\s*app|telegram|kakao|zalo|ไลน์|instagram|"
    r"加我|私聊|私信|联系我"
)
_WEAK = r"line|wa|ig|tg|tele|dm\s*me|pm\s*me|hubungi(?:\s*saya)?|ติดต่อ|liên\s*hệ"
MESSENGER_RE = re.compile(
    rf"(?<![a-z])(?:(?:{_STRONG})\s*(?:id)?\s*[:：=@]?\s*@?|(?:{_WEAK})\s*(?:id\s*[:：=]?|[:：=@])\s*@?)"
    r"[a-z0-9_.\-]{5,}",
    re.IGNORECASE,
)


# Cheap first pass: a URL needs a scheme, "www", a short-link host or a dot before a known TLD.
_TLD_HINT_RE = re.compile(rf"[.\]点)]\s*(?:{_TLDS})\b")
_MESSENGER_KEYS = (
    "微信",
    "威信",
    "薇信",
    "加微",
    "v信",
    "vx",
    "wx",
    "wechat",
    "weixin",
    "whats",
    "telegram",
    "kakao",
    "zalo",
    "ไลน์",
    "instagram",
    "加我",
    "私聊",
    "私信",
    "联系我",
    "line",
    "wa",
    "ig",
    "tg",
    "tele",
    "dm",
    "pm",
    "hubungi",
    "ติดต่อ",
    "liên",
)
_PHONE_HINT_RE = re.compile(r"\d[\d\s\-().]{6}")


def _links(folded: str) -> list[str]:
    if not ("://" in folded or "www" in folded or _TLD_HINT_RE.search(folded)):
        return []
    return [m.group() for m in URL_RE.finditer(folded)]


def _contacts(folded: str) -> list[str]:
    phones = [m.group() for m in PHONE_RE.finditer(folded)] if _PHONE_HINT_RE.search(folded) else []
    if not any(key in folded for key in _MESSENGER_KEYS):
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
