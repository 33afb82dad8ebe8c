"""The password policy: one rule for every place a password is set (the API, the pages, `jarchy users add`, the demo).

A password needs at least 12 characters and must not be a common one. The common ones are the 30,000 most
frequent passwords of Mark Burnett's 10-million-password corpus (xato.net), as shipped in the `passwords`
frequency list of the zxcvbn package (Dropbox's strength estimator, Python port dwolfhub/zxcvbn-python, MIT),
compared case-insensitively: "Password1234" is as guessable as "password1234". Only the list is hand-wired here.
"""

from __future__ import annotations

from functools import cache

from engine.core.errors import Code, Invalid

MIN_LENGTH = 12


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    return password.casefold() in _common()


def check(password: str) -> None:
    """Raise `Invalid` naming the field `password` when the policy refuses it."""
    if len(password) < MIN_LENGTH:
        raise Invalid("the password is too short",
                      [{"field": "password", "message": f"needs at least {MIN_LENGTH} characters"}],
                      code=Code.PASSWORD_TOO_SHORT, params={"limit": MIN_LENGTH})
    if is_common(password):
        raise Invalid("the password is a common one",
                      [{"field": "password",
                        "message": "is on the list of commonly used passwords; choose one that is not"}],
                      code=Code.PASSWORD_COMMON)
