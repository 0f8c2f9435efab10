"""``python -m tools.lexicon [LDNOOBW_DIR]``: regenerate the look-alike table and every market lexicon.

The look-alike table (``functions/moderation/data/confusables.tsv``) is written first, before the
normalizer is imported, because every lexicon key is normalized with it.
"""

import sys

from tools.lexicon.confusables import write

print(f"confusables: {write()} look-alike letters")

from tools.lexicon.build import main  # noqa: E402  (imports the normalizer, which reads the table)

main(sys.argv[1:])
