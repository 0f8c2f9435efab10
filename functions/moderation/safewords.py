"""Innocent words that contain a lexicon term (the Scunthorpe problem of space-less scripts, and
the few English phrases whose first word alone is a term).

Chinese, Japanese and Thai terms match as substrings, so a short vulgar word can sit inside an
ordinary one: Thai หี inside หีบ (a box), Chinese 逼 inside 逼真 (lifelike). A hit that lies wholly
inside one of these words is not a hit. Curated by crosslive (Apache-2.0); add words here when the
false-positive measurement (``crosslive bench moderation``) finds one.
"""

from __future__ import annotations

SAFE_WORDS: dict[str, tuple[str, ...]] = {
    # space-delimited phrases whose first word alone is a term
    "en": ("pussy willow", "pussy cat", "pussycat", "pussy bow", "pussybow"),
    # a bread ("un pain bâtard", its baking tin "moule à pain bâtard")
    "fr": ("pain bâtard", "pains bâtards"),
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
        # curry (กะหรี่ is also a slur for a prostitute)
        "แกงกะหรี่",
        "ผงกะหรี่",
        "ข้าวกะหรี่",
        "กะหรี่ปั๊บ",
        "ซอสกะหรี่",
        # expert, torrential (เชี่ย, a vulgar syllable, opens them)
        "เชี่ยวชาญ",
        "เชี่ยวกราก",
        # the woman running an event (แม่ง, a vulgar "damn", opens it)
        "แม่งาน",
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
        # 妈妈 (mother) followed by 的 or after 你 is no 妈的 / 你妈
        "妈妈的",
        "你妈妈",
        "他妈妈",
        # 傻瓜 (fool) in compounds for "idiot-proof": a point-and-shoot camera, foolproof operation
        "傻瓜相机",
        "傻瓜机",
        "傻瓜式",
        "傻瓜型",
        # recycling (废物, "trash", of a person), 250 of anything (二百五, a fool)
        "废物利用",
        "二百五十",
    ),
    # Katakana is matched as hiragana, so kana terms meet ordinary words: ばか in ばかり (only), ぶす in
    # ラブストーリー / アブストラクト, しね in わたしね (I, you know), 安いしね (cheap, and ...), シネマ.
    "ja": (
        "死ぬほど",
        "必死",
        "死角",
        "ばかり",
        "ばかし",
        "らぶすと",
        "あぶすと",
        "わたしね",
        "あたしね",
        "すこしね",
        "いしね",
        "るしね",
        "だしね",
        "しねま",
    ),
}


def all_safe_words() -> list[str]:
    return [word for words in SAFE_WORDS.values() for word in words]
