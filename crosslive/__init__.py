"""crosslive platform tooling: the CLI, region files, the embedded local platform."""

__version__ = "0.1.0"
