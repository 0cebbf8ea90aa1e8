"""Board ids, join codes and tokens: how they are made and how tokens are kept."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, U: a code read aloud or from a projector is typed right the first time.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
# Nine characters (30**9, about 2.0e13 codes): with the join-guess limits, 1,000 addresses
# need years to hit one of 10,000 live boards (docs/security.md, "Join codes: the arithmetic").
_CODE_LENGTH = 9
_OLD_CODE_LENGTH = 8  # `ABCD-2345`, issued by earlier versions: still stored, still accepted
JOIN_CODE_SPACE = len(_CODE_ALPHABET) ** _CODE_LENGTH


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
    """Nine characters in threes, `K7Q-DM2-XHR`: short groups are easier to read off a
    projector and to say aloud than one long run."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return f"{chars[:3]}-{chars[3:6]}-{chars[6:]}"


def normalize_join_code(typed: str) -> str:
    """The stored form of a code as a person may type it: any case, spaces, dashes; codes of
    both the current and the earlier length."""
    chars = "".join(c for c in typed.upper() if c.isalnum())
    if len(chars) == _CODE_LENGTH:
        return f"{chars[:3]}-{chars[3:6]}-{chars[6:]}"
    if len(chars) == _OLD_CODE_LENGTH:
        return f"{chars[:4]}-{chars[4:]}"
    return chars
