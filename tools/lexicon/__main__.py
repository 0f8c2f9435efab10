"""``python -m tools.lexicon [LDNOOBW_DIR]``: regenerate the look-alike table and every market lexicon.

The normalizer's tables (``functions/textrules/data/confusables.tsv`` and ``t2s.tsv``) are
written first, before the normalizer is imported, because every lexicon key is normalized with them.
"""

import sys

from tools.lexicon.chinese import write as write_t2s
from tools.lexicon.confusables import write as write_confusables

print(f"confusables: {write_confusables()} look-alike letters")
print(f"t2s: {write_t2s()} Traditional characters")

from tools.lexicon.build import main  # noqa: E402  (imports the normalizer, which reads the table)

main(sys.argv[1:])
