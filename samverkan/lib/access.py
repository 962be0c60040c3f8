"""What a user asks to do with something, in the same words in every app's `access.py`."""

from __future__ import annotations

import enum


class Access(enum.Enum):
    """READ to see it; EDIT to change it while it is a draft; AMEND to act on it once signed (a new revision, a
    renewal, the follow-up), which an editor may do and a reader may not."""

    READ = "read"
    EDIT = "edit"
    AMEND = "amend"
