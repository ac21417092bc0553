"""Widgets the pairjournal screens share: forms, capture dialogs, the timer, the mood pick."""
