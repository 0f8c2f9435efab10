"""crosslive tests: a package, so that tests/plugins and tests/infra never shadow the real packages."""
