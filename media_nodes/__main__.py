"""``python -m media_nodes``: see ``media_nodes.server``."""

from media_nodes.server import main

main()
