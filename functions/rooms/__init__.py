"""Rooms: a merchant's live show, the markets it reaches and its lifecycle."""
