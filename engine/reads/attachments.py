"""A case's attachments as their readers see them, and their bytes as streams: what the API, the case page and
(later) a published release's public page read. The `_of` functions check nothing: the caller has decided who may
see (a published release's media are public); the others answer 404 to anyone who may not read the case."""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, ProcessInstance, User
from engine.context import EngineContext
from engine.core.errors import Code, NotFound
from engine.files.store import key_of, thumbnail_key
from engine.people.access import check_may_read_files


def listed_of(session: Session, instance_id: int) -> list[Attachment]:
    """The case's attachments, oldest first (no permission checked)."""
    return list(session.scalars(select(Attachment).where(Attachment.instance_id == instance_id)
                                .order_by(Attachment.uploaded_at, Attachment.id)))


def chosen_of(session: Session, instance_id: int, ids: Any) -> list[Attachment]:
    """The case's attachments among `ids` (a form's `x-attachment` value: an id or a list), in the order given
    (no permission checked); another case's file, or none, is left out."""
    wanted = [ids] if isinstance(ids, str) else [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
    if not wanted:
        return []
    rows = {a.id: a for a in session.scalars(select(Attachment).where(Attachment.instance_id == instance_id,
                                                                      Attachment.id.in_(set(wanted))))}
    return [rows[i] for i in dict.fromkeys(wanted) if i in rows]


def of_case(session: Session, user: User, instance_id: int) -> list[Attachment]:
    """The case's attachments, to someone who may read the case (404 to anyone else)."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    check_may_read_files(session, user, instance)
    return listed_of(session, instance_id)


def readable(session: Session, user: User, attachment_id: str) -> Attachment:
    """One attachment, to someone who may read its case (404 to anyone else, as to an id that does not exist)."""
    row = session.get(Attachment, attachment_id)
    instance = session.get(ProcessInstance, row.instance_id) if row is not None else None
    if row is None or instance is None:
        raise NotFound("no such file", code=Code.CASE_NOT_FOUND)
    check_may_read_files(session, user, instance)
    return row


def content_of(ctx: EngineContext, attachment: Attachment) -> BinaryIO:
    """The attachment's bytes as a stream (no permission checked); the caller closes it."""
    try:
        return ctx.files.open(key_of(attachment.sha256))
    except FileNotFoundError:
        raise NotFound(f"the bytes of file {attachment.id} are missing from the store", code=Code.FILE_MISSING,
                       params={"file_id": attachment.id}) from None


def thumbnail_of(ctx: EngineContext, attachment: Attachment) -> BinaryIO:
    """The attachment's thumbnail (a JPEG) as a stream (no permission checked); 404 when it has none."""
    if not attachment.has_thumbnail:
        raise NotFound(f"file {attachment.id} has no thumbnail", code=Code.FILE_MISSING,
                       params={"file_id": attachment.id})
    try:
        return ctx.files.open(thumbnail_key(attachment.sha256))
    except FileNotFoundError:
        raise NotFound(f"the thumbnail of file {attachment.id} is missing from the store", code=Code.FILE_MISSING,
                       params={"file_id": attachment.id}) from None
