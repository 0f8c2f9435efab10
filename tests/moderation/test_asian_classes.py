"""The classes of issue 15's fourth round in the Arabic, Thai, Japanese, Chinese and Malay/Indonesian
markets, each on examples of its own (none is a row of a bench corpus): Arabizi (Arabic in Latin
letters and digits), a shop word hurled as a whole comment, the Japanese emphatic が ending a comment,
a doubled small tsu, 死 written as タヒ, Chinese pinyin initials written as one word and homophones of
妈, the Arabic article after the vocative, attached object pronouns, Thai's rude "you" before a long
stem, and Indonesian curses shared with Malay; with the shop talk each must leave alone."""

from __future__ import annotations

import pytest

from functions.moderation.lexicon import arabic_skeleton, arabizi_skeleton
from functions.moderation.normalize import stream


def test_arabizi_and_arabic_read_as_one_skeleton():
    assert arabizi_skeleton("7mar") == arabic_skeleton("حمار") == "7mr"
    assert arabizi_skeleton("yel3an") == arabic_skeleton("يلعن")
    assert arabizi_skeleton("abook") == arabic_skeleton("ابوك")
    assert arabizi_skeleton("7aywaan") == arabic_skeleton("حيوان")


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("SA", "inta 7mar"),
        ("AE", "ya 7maaar shu hatha"),
        ("SA", "yel3an hal bath"),
        ("AE", "ya wes5a"),
        ("SA", "INTI 7MARA"),
    ],
)
def test_an_arabic_insult_in_arabizi_is_caught_and_masked(market, code, text):
    matcher = market(code)
    hits = matcher.hits(text)
    assert hits, text
    masked = matcher.mask(text, hits)
    assert masked != text and "7m" not in masked.lower() and "3an" not in masked


@pytest.mark.parametrize(
    "text",
    ["Galaxy A55 ya salam", "RTX 3070 inta shoftha?", "size 7 mar 2026", "7amra lipstick", "ana 3andi so2al"],
)
def test_latin_text_with_digits_is_no_arabizi_insult(market, text):
    assert not market("SA").hits(text), text


@pytest.mark.parametrize(
    ("code", "text"),
    [("SA", "كلب!"), ("AE", "ثور 😡"), ("TH", "ควาย!!"), ("TH", "หน้าด้าน"), ("ID", "Babi!"), ("MY", "ANJING")],
)
def test_a_shop_word_hurled_as_a_whole_comment_is_caught(market, code, text):
    assert market(code).hits(text), stream(text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("SA", "طعام كلب بالدجاج"),
        ("AE", "لحم ثور طازج"),
        ("TH", "เขาควายแท้"),
        ("ID", "babi panggang ada?"),
        ("MY", "anjing kecil comel"),
        ("SA", "طبعة الحمار الوحشي"),
    ],
)
def test_the_same_word_in_a_longer_comment_is_shop_talk(market, code, text):
    assert not market(code).hits(text), stream(text)


@pytest.mark.parametrize("text", ["ほんとカスが", "おまえなんかクズが!", "だまれボケが"])
def test_a_japanese_insult_with_emphatic_ga_ending_the_comment(market, text):
    assert market("JP").hits(text)


@pytest.mark.parametrize("text", ["パンくずがこぼれない", "素材を生かすが価格は高め", "ピンボケがない写真"])
def test_ga_inside_a_comment_is_the_subject_particle(market, text):
    assert not market("JP").hits(text)


@pytest.mark.parametrize("text", ["ぶっっす", "ブッッッスだね", "タヒね", "タヒんじゃえ", "もう消え失せろ", "黙れよ"])
def test_japanese_evasions_and_imperatives(market, text):
    assert market("JP").hits(text), stream(text)


@pytest.mark.parametrize(
    ("code", "text"),
    [("CN", "你TM是不是傻"), ("CN", "他马的又涨价"), ("SG", "去你马的"), ("CN", "这主播是脑瘫吧")],
)
def test_chinese_initials_as_one_word_and_homophones_of_ma(market, code, text):
    assert market(code).hits(text), stream(text)


@pytest.mark.parametrize("text", ["马上发货吗", "二百五十块包邮", "废物利用做的收纳盒", "他吗?他不在"])
def test_chinese_shop_talk_with_the_same_characters(market, text):
    assert not market("CN").hits(text), stream(text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("SA", "يا الحمار"),
        ("AE", "يلعنكم كلكم"),
        ("SA", "يا مطي"),
        ("TH", "มึงหน้าด้านจริงๆ"),
        ("MY", "keparat betul"),
        ("MY", "celaka punya host"),
        ("ID", "dasar buaya"),
    ],
)
def test_morphology_and_shared_curses(market, code, text):
    assert market(code).hits(text), stream(text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("TH", "มึงตัวเล็กใส่ไซส์อะไร"),
        ("MY", "celaka, dah habis stok"),
        ("ID", "tas kulit buaya asli"),
        ("SA", "الطعم خايس شوي"),
        ("TH", "แม่งานน่ารักมาก"),
    ],
)
def test_their_shop_talk_passes(market, code, text):
    assert not market(code).hits(text), stream(text)


@pytest.mark.parametrize("text", ["クズ!", "カ ス", "ボケ", "クズ配信者", "バカ店員だな", "アホ野郎"])
def test_japanese_insult_nouns_alone_or_before_a_person(market, text):
    assert market("JP").hits(text), stream(text)


@pytest.mark.parametrize("text", ["パンくず入り", "酒かすの甘酒", "ピンボケ写真", "カスタード味", "ボケ味のレンズ"])
def test_the_same_kana_as_scraps_dregs_and_blur(market, text):
    assert not market("JP").hits(text), stream(text)


@pytest.mark.parametrize(
    "text",
    [
        "hubungi kosong satu tiga, empat lima enam, tujuh lapan sembilan",  # digits counting up from a 0 prefix
        "call 0 1 2 3 - 4 5 6 7 8 9",
        "キュージューゼロ ニーニー サンサン ヨンヨンに電話",  # Katakana readings with the long-vowel mark
        "LINE ID は shop_jp88",
        "LINEでね→ ID：tokyo_deal",
    ],
)
def test_contact_spam_in_asian_languages(text):
    from functions.moderation.contacts import scan

    _links, contacts = scan(text)
    assert contacts, text


@pytest.mark.parametrize(
    "text", ["saiz 0 2 4 6 8 10 12", "kira 1 2 3 4 5 6 7 8 9 10", "ニーハオ ゴーゴー", "LINE は便利", "line id ok"]
)
def test_sizes_counting_and_messenger_words_alone_are_no_contact(text):
    from functions.moderation.contacts import scan

    assert scan(text) == ([], []), text


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("JP", "ハゲ!"),
        ("JP", "デブ店員"),
        ("JP", "ブタ女だな"),
        ("JP", "ガイジかよ"),
        ("SA", "يا بقرة"),
        ("AE", "انت قرد"),
        ("SA", "يا الجحش"),
        ("MY", "kimak lah"),
        ("TH", "ไอ้อ้วนไปไกลๆ"),
        ("CN", "土鳖主播"),
    ],
)
def test_body_shaming_ableist_and_zoomorphic_insults(market, code, text):
    assert market(code).hits(text), stream(text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("JP", "塗装がはげることはない?"),
        ("JP", "ぶた肉の味噌漬け"),
        ("JP", "ちびっこ用サイズ"),
        ("SA", "حليب بقرة طازج"),
        ("AE", "دمية قرد للأطفال"),
        ("TH", "อ้วนขึ้นนิดหน่อยใส่ไซส์ไหนดี"),
    ],
)
def test_the_same_words_in_shop_talk(market, code, text):
    assert not market(code).hits(text), stream(text)


@pytest.mark.parametrize(("code", "text"), [("MY", "pundik betul"), ("SG", "sohai lah you"), ("SG", "goondu!")])
def test_borrowed_vulgarities_of_malaysia_and_singapore(market, code, text):
    assert market(code).hits(text), stream(text)
