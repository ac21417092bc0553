"""Sharing: consent rules, the coordinator export, signatures, the disclosure log, full backups.

Sits above journal/: it reads the unlocked Journal and never imports textual.
"""

from __future__ import annotations
