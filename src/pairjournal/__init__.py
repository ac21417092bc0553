"""pairjournal: an offline, encrypted journal for reverse-mentoring pairs."""

__version__ = "0.1.0"
