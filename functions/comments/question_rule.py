"""What counts as a question in a comment: a buying-question tag or a question mark.

One rule for the insights minute's ``questions`` counter (``functions/insights/fold.py``) and the
hot questions (``questions.py``): docs/insights.md. Kept apart from ``questions.py`` so the
insights fold, on its hot path, imports a regular expression and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

QUESTION_MARKS = ("?", "？", "؟")
QUESTION_RE = re.compile("|".join(map(re.escape, QUESTION_MARKS)))  # one C scan per comment


def is_question(text: str, tags: Iterable[str] | None) -> bool:
    """A buying-question tag or a question mark (Latin, full-width, Arabic)."""
    return bool(tags) or QUESTION_RE.search(text) is not None
