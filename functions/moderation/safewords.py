"""Innocent words of space-less scripts that contain a lexicon term (the Scunthorpe problem there).

Chinese, Japanese and Thai terms match as substrings, so a short vulgar word can sit inside an
ordinary one: Thai หี inside หีบ (a box), Chinese 逼 inside 逼真 (lifelike). A hit that lies wholly
inside one of these words is not a hit. Curated by crosslive (Apache-2.0); add words here when the
false-positive measurement (``crosslive bench moderation``) finds one.
"""

from __future__ import annotations

SAFE_WORDS: dict[str, tuple[str, ...]] = {
    "th": (
        "หีบ",
        "หีบห่อ",
        "สัสดี",
        "ดอกไม้",
        "ดอกกุหลาบ",
        "ลายดอก",
        "ควายเผือก",
        "เหี้ยมโหด",
        "สัสดีจังหวัด",
        "ดอกเบี้ย",
        "หน้าอก",
        "อกไก่",
        "ตอกย้ำ",
        "นอกจาก",
        "ออกแบบ",
        "บอกว่า",
        "ดอกเตอร์",
    ),
    "zh-Hans": (
        "逼真",
        "逼近",
        "逼迫",
        "傻傻分不清",
        "草莓",
        "草帽",
        "马上",
        "妈妈",
        "滚筒",
        "滚轮",
        "日本",
        "鸡肉",
        "鸡蛋",
        "生鸡",
        "蛋糕",
        "鸭绒",
        "死机",
        "操作",
        "操场",
        "体操",
    ),
    "ja": ("死ぬほど", "必死", "死角"),
}


def all_safe_words() -> list[str]:
    return [word for words in SAFE_WORDS.values() for word in words]
