"""Board ids, join codes and tokens: how they are made and how tokens are kept."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, U: a code read aloud or from a projector is typed right the first time.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 8


def new_board_id() -> str:
    return secrets.token_hex(16)  # 128 random bits


def new_participant_id() -> str:
    return "p-" + secrets.token_hex(8)


def new_epoch() -> str:
    return secrets.token_hex(8)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the store keeps: a stolen database holds no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_join_code() -> str:
    """Eight characters shown as `ABCD-2345` (30**8, about 6.6e11 codes)."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def normalize_join_code(typed: str) -> str:
    """The stored form of a code as a person may type it: any case, spaces, dashes."""
    chars = "".join(c for c in typed.upper() if c.isalnum())
    return f"{chars[:4]}-{chars[4:]}" if len(chars) == _CODE_LENGTH else chars
