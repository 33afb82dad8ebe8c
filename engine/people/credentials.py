"""Bearer tokens for the API and the ids of page sessions, and how either is ended before its time (sign-out).

A token is signed with itsdangerous and names its user, the user's token generation (a password change or a
deactivation ends every token of theirs) and an id of its own. Signing out stores that id in
`revoked_credentials` (a deny-list): a revoked id is refused on every request, by every process, and its row is
pruned once the credential would have expired anyway. Page sessions carry such an id too (`new_id`) and are ended
the same way. A deny-list, not a table of live sessions: a sign-in writes nothing, only a sign-out does, and a
request costs one primary-key lookup.

A requester without an account follows their request with a tracking token (the portal's private link): random,
kept only as its SHA-256, so that a leaked database opens no one's request."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from db.models import RevokedCredential, User
from engine.core.errors import Code, Unauthenticated
from engine.core.settings import Settings


@dataclass(frozen=True)
class Bearer:
    """Who a valid token belongs to, and the token's own id (what signing out revokes)."""

    user: User
    token_id: str


def new_id() -> str:
    return secrets.token_urlsafe(24)


def issue_token(user: User, settings: Settings) -> str:
    return _signer(settings).dumps({"u": user.id, "g": user.token_generation, "j": new_id()})


def bearer(session: Session, token: str, settings: Settings) -> Bearer:
    """The holder of a token that is signed, unexpired, of the user's current generation and not revoked."""
    try:
        claims = _signer(settings).loads(token, max_age=settings.token_lifetime_seconds)
    except SignatureExpired as exc:
        raise Unauthenticated("the token has expired", code=Code.TOKEN_EXPIRED) from exc
    except BadSignature as exc:
        raise Unauthenticated("the token is not valid", code=Code.TOKEN_INVALID) from exc
    token_id = claims.get("j") if isinstance(claims, dict) else None
    if not isinstance(token_id, str):  # issued before tokens had ids: it could not be revoked, so it is not taken
        raise Unauthenticated("the token is no longer valid; ask for a new one", code=Code.TOKEN_INVALID)
    user, revoked = holder(session, claims.get("u"), token_id)
    if user is None or not user.active or user.token_generation != claims.get("g") or revoked:
        raise Unauthenticated("the token is no longer valid", code=Code.TOKEN_INVALID)
    return Bearer(user, token_id)


def holder(session: Session, user_id: object, token_id: str) -> tuple[User | None, bool]:
    """The user a token or a page session names, with their roles, and whether that credential was revoked: one
    statement, since every signed-in request asks it."""
    if not isinstance(user_id, int):
        return None, False
    row = session.execute(_HOLDER, {"user_id": user_id, "token_id": token_id}).unique().first()
    return (row[0], bool(row[1])) if row is not None else (None, False)


# Built once: every signed-in request runs it, and building and keying a statement costs as much as running it.
_HOLDER = select(User, select(RevokedCredential.id).where(RevokedCredential.id == bindparam("token_id")).exists()) \
    .where(User.id == bindparam("user_id")).options(joinedload(User.role_rows))


def revoke(session: Session, credential_id: str, *, kind: str, user: User, lifetime_seconds: int,
           at: datetime) -> None:
    """End one token or session now. It cannot outlive `at` + its lifetime, so its row goes after that; expired
    rows of others are pruned on the way."""
    session.execute(delete(RevokedCredential).where(RevokedCredential.expires_at < at))
    if session.get(RevokedCredential, credential_id) is None:
        session.add(RevokedCredential(id=credential_id, kind=kind, user_id=user.id, revoked_at=at,
                                      expires_at=at + timedelta(seconds=lifetime_seconds)))
    session.flush()


def _signer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="jarchy-api-token")


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


def tracking_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
