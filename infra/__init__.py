"""The AWS CDK app: one Stage per ``regions/*.toml`` (see ``infra/app.py``)."""
