"""Unit rules of a comment's text, ids, CSV cells and priority tags (no platform needed)."""

from __future__ import annotations

import pytest

from functions.comments.app import csv_cell
from functions.comments.clusters import Item, cluster
from functions.comments.ids import id_time, is_comment_id, new_comment_id
from functions.comments.tags import languages_covered, priority_tags
from functions.comments.validation import MAX_CODE_POINTS, clean_text, has_links
from functions.shared.errors import DomainError


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "comment-empty"),
        ("   \u3000 ", "comment-empty"),
        ("x" * (MAX_CODE_POINTS + 1), "comment-too-long"),
        ("好" * (MAX_CODE_POINTS + 1), "comment-too-long"),
        ("hi\x00there", "control-characters"),
        ("line\nbreak", "control-characters"),
        ("\u202egnp.exe", "control-characters"),
        ("bad \ud800 surrogate", "invalid-utf8"),
    ],
)
def test_bad_text_is_refused_with_its_own_code(raw, code):
    with pytest.raises(DomainError) as caught:
        clean_text(raw)
    assert caught.value.code == code
    assert 400 <= caught.value.status < 500


def test_good_text_is_kept_as_typed():
    assert clean_text("  <script>alert(1)</script>  ") == "<script>alert(1)</script>"
    assert clean_text("ราคา" * 125) == "ราคา" * 125  # 500 code points exactly
    assert clean_text("👩\u200d👩\u200d👧 مرحبا\u200f") == "👩\u200d👩\u200d👧 مرحبا\u200f"  # ZWJ and RLM are fine


def test_links_are_detected():
    assert has_links("see https://shop.example/x")
    assert has_links("go to www.example.org")
    assert not has_links("no link here, just 3.5 stars")


def test_ids_sort_by_time_and_decode():
    first, second = new_comment_id(1_700_000_000.0), new_comment_id(1_700_000_000.5)
    assert first < second
    assert is_comment_id(first) and not is_comment_id("nope")
    assert abs(id_time(second) - 1_700_000_000.5) < 0.002


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "＝1+1"])
def test_csv_cells_cannot_become_formulas(value):
    assert csv_cell(value).startswith("'")


def test_csv_plain_cells_unchanged():
    assert csv_cell("hello = world") == "hello = world"
    assert csv_cell(None) == ""


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("How much is this scarf?", "price"),
        ("这个多少钱？", "price"),
        ("berapa harganya kak", "price"),
        ("ราคาเท่าไหร่คะ", "price"),
        ("Giá bao nhiêu vậy", "price"),
        ("بكم هذا", "price"),
        ("Wie viel kostet das?", "price"),
        ("Quel est le prix ?", "price"),
        ("いくらですか", "price"),
        ("Is size M still in stock?", "stock"),
        ("还有货吗 库存", "stock"),
        ("Welche Größe bei 1,80 m?", "size"),
        ("Quelle taille pour 1m70 ?", "size"),
        ("サイズは？", "size"),
        ("bahannya apa kak", "material"),
        ("适合敏感肌吗", "material"),
        ("كم يستغرق الشحن", "shipping"),
        ("giao hàng mất bao lâu", "shipping"),
        ("Wie ist die Rückgabe?", "returns"),
        ("退货怎么办", "returns"),
        ("มีโค้ดส่วนลดไหม", "coupon"),
        ("クーポンありますか", "coupon"),
    ],
)
def test_priority_tags_in_many_languages(text, tag):
    assert tag in priority_tags(text)


def test_priority_tags_respect_word_boundaries():
    assert priority_tags("what a profit, so classy, hello") == []
    assert priority_tags("fantastic show") == []


def test_every_tag_covers_the_required_languages():
    required = {"en", "zh", "id", "th", "vi", "ar", "de", "fr", "ja"}
    for tag, languages in languages_covered().items():
        assert required <= languages, (tag, required - languages)


def test_hot_questions_cluster_by_similarity_and_distinct_authors():
    items = [
        Item("1", "Is this suitable for sensitive skin?", "a", "ID"),
        Item("2", "is it suitable for sensitive skin", "b", "DE"),
        Item("3", "suitable for sensitive skin??", "c", "AE"),
        Item("4", "suitable for sensitive skin??", "c", "AE"),
        Item("5", "how much is shipping", "d", "ID"),
        Item("6", "适合敏感肌吗", "e", "ID"),
        Item("7", "这个适合敏感肌吗？", "f", "ID"),
    ]
    hot = cluster(items)
    assert len(hot) == 1
    assert hot[0].comment_ids == ["1", "2", "3", "4"]
    assert hot[0].authors == {"a", "b", "c"}
    assert hot[0].markets == {"ID", "DE", "AE"}
    assert cluster(items, min_authors=2)[1].comment_ids == ["6", "7"]
