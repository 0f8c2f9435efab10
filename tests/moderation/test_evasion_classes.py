"""The evasion classes of issue 15's second round, each on examples of its own (none is a row of a
bench corpus): a Latin letter or a symbol for the censored character of a Chinese insult, Arabic
vocatives in either order, Thai insults addressed to someone, a word spelled out letter by letter
that is ordinary in a shop when written whole, and Katakana words that hold a kana insult's sound."""

from __future__ import annotations

import pytest

from functions.moderation.lexicon import Matcher
from functions.moderation.normalize import stream


@pytest.mark.parametrize("text", ["他X的主播", "你他x的说什么", "日你○", "这个傻*", "傻×一个", "卧X什么价"])
def test_a_symbol_or_latin_letter_for_the_censored_character_is_caught(market, text):
    assert market("CN").hits(text), text


@pytest.mark.parametrize("text", ["黑X码有吗", "白×2件", "小米X3多少钱", "iPhone X 黑色", "买2×3的盒子", "要XL的"])
def test_a_letter_for_an_ordinary_character_or_a_size_is_no_insult(market, text):
    assert not market("CN").hits(text), text


def test_the_mask_hides_the_placeholder_with_the_insult(market):
    text = "主播他X的骗人"
    matcher = market("CN")
    masked = matcher.mask(text, matcher.hits(text))
    assert "他" not in masked and "X" not in masked and masked.startswith("主播") and masked.endswith("骗人")


@pytest.mark.parametrize("text", ["يا كلب", "كلب يا", "انت حمار يا", "نذل", "يا معرصة"])
def test_arabic_insults_and_vocatives_in_either_order(market, text):
    assert market("AE").hits(text) and market("SA").hits(text), text


@pytest.mark.parametrize("text", ["طعام كلب يابس", "حمار الوحش لعبة", "السعر واطي يا جماعة؟", "معرض المنتجات"])
def test_arabic_shop_words_stay_shop_words(market, text):
    # a dog's food, a zebra toy, a low price, an exhibition (معرض differs from معرص by one dot)
    assert not market("AE").hits(text), text


@pytest.mark.parametrize("text", ["มึงมันควาย", "ไอ้หน้าโง่", "อีตอแหล", "มึงมันชาติหมา", "ไอ้ระยำ"])
def test_thai_insults_addressed_to_someone(market, text):
    assert market("TH").hits(text), text


@pytest.mark.parametrize("text", ["ขอถามโง่ๆ ส่งกี่วัน", "เนื้อควายอบแห้ง", "มึงตัวเล็กไปไหม", "ดอกไม้สวยมาก"])
def test_thai_bare_stems_are_ordinary_words(market, text):
    assert not market("TH").hits(text), text


@pytest.mark.parametrize("text", ["s t u p i d seller", "what a l.o.s.e.r", "you are u g l y"])
def test_a_shop_word_spelled_out_letter_by_letter_is_evasion(market, text):
    assert market("US").hits(text), text


@pytest.mark.parametrize(
    "text", ["idiot-proof setup", "ugly christmas sweater", "a dumb phone for my dad", "S A L E now"]
)
def test_the_same_word_written_whole_is_shop_talk(market, text):
    assert not market("US").hits(text), text


def test_a_letter_spaced_row_matches_only_letter_spaced_spellings():
    from plugins.types import LexiconEntry

    row = LexiconEntry(term="p e n i s", language="en", category="sexual", severity=1, source="-", license="-")
    matcher = Matcher([row])
    assert matcher.hits("p e n i s") and matcher.hits("p.e.n.i.s")
    assert not matcher.hits("penis enlargement pills are spam, but not this word")


@pytest.mark.parametrize("text", ["キエロフの本", "ブスケッタ", "シネコン割引", "バカンス用"])
def test_a_katakana_word_holding_a_kana_insults_sound_is_no_insult(market, text):
    assert not market("JP").hits(text), text


@pytest.mark.parametrize("text", ["キエロ", "お前キエロ", "ブスだね", "しね", "シネ!"])
def test_a_kana_insult_standing_as_a_word_is_still_caught(market, text):
    assert market("JP").hits(text), text


def test_the_placeholder_survives_normalization_only_after_han():
    assert "\u3013" in stream("傻X") and "\u3013" not in stream("X光片") and "\u3013" not in stream("RTX 4090")
