"""Moderation: lexicon, spam, compliance, review queue, bans."""
