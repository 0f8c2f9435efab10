"""CLI commands, one module per area; each is a thin layer over library functions."""
