"""Offline tooling run from a checkout (never bundled into a Lambda function)."""
