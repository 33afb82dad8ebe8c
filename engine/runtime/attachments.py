"""Attaching a file to a case: its type decided from its content, its bytes streamed to the store and hashed on
the way, a thumbnail for a photo, the row and its audit event (with the SHA-256). Refused, with nothing kept, when
the type is not taken (422 naming `file`) or the file is over its kind's limit (413 naming the limit)."""

from __future__ import annotations

import itertools
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, ProcessInstance, User
from db.vocabulary import AttachmentKind, EventType, InstanceStatus
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, NotFound, TooLarge, problem
from engine.files import kinds, thumbnails
from engine.files.store import CHUNK, FileStore, OverLimit, key_of, thumbnail_key
from engine.people.access import check_may_attach

MIB = 1024 * 1024


def attach(session: Session, ctx: EngineContext, user: User, instance_id: int, filename: str, stream: BinaryIO,
           *, declared_size: int | None = None) -> Attachment:
    """Attach the file `stream` holds (read in chunks, never whole) to the case. `declared_size`, what the request
    said the file's size is, refuses an oversized file before anything is read."""
    instance = attachable(session, user, instance_id)
    head = _head(stream)
    if not head:
        raise Invalid("the file is empty", [{"field": "file", "message": "is empty"}], code=Code.FILE_EMPTY)
    detected = kinds.detect(head, stream if stream.seekable() else None)
    if detected is None:
        found = kinds.sniffed(head) or "of a type that is not recognised"
        message = f"is {found}; only photos, video, audio, PDF and office documents are taken"
        raise Invalid(f"the file {message}", [{"field": "file", "message": message}], code=Code.FILE_TYPE)
    limit = ctx.settings.upload_limit(detected.kind)
    if declared_size is not None and declared_size > limit:
        raise _too_large(detected.kind, limit)
    try:
        receipt = ctx.files.receive(_chunks(head, stream), limit=limit)
    except OverLimit:
        raise _too_large(detected.kind, limit) from None
    has_thumbnail = detected.kind == AttachmentKind.PHOTO and _thumbnail(ctx.files, receipt.sha256, stream)
    row = Attachment(id=str(uuid.uuid4()), instance_id=instance.id, filename=kinds.file_name(filename, detected),
                     content_type=detected.content_type, kind=detected.kind, size=receipt.size,
                     sha256=receipt.sha256, has_thumbnail=has_thumbnail, uploaded_by_id=user.id,
                     uploaded_at=ctx.now())
    session.add(row)
    chain.record(session, type=EventType.ATTACHMENT_UPLOADED, at=row.uploaded_at, actor=user.username,
                 instance_id=instance.id, subject=row.id,
                 after={"filename": row.filename, "content_type": row.content_type, "kind": row.kind,
                        "size": row.size, "sha256": row.sha256})
    session.flush()
    return row


def attachable(session: Session, user: User, instance_id: int) -> ProcessInstance:
    """The case, when `user` may attach a file to it now: 404 to whoever may not read it, 403 to a reader who may
    not attach (an auditor), 409 once it is closed. Asked before a request's body is read."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    check_may_attach(session, user, instance)
    if instance.status != InstanceStatus.RUNNING:
        raise Conflict(f"case {instance.business_key} is {instance.status}: no file can be attached to it",
                       code=Code.CASE_CLOSED, params={"case": instance.business_key})
    return instance


def attachments_of_case(session: Session, instance_id: int | None, ids: Iterable[str]) -> set[str]:
    """Which of `ids` are attachments of the case (none, before the case exists)."""
    wanted = {i for i in ids if isinstance(i, str)}
    if instance_id is None or not wanted:
        return set()
    return set(session.scalars(select(Attachment.id).where(Attachment.instance_id == instance_id,
                                                            Attachment.id.in_(wanted))))


def chosen(session: Session, instance_id: int, ids: Any) -> list[Attachment]:
    """The case's attachments among `ids` (a form's `x-attachment` value: an id or a list of them), in the order
    given; anything else (another case's file, no file) is left out."""
    wanted = [ids] if isinstance(ids, str) else [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
    if not wanted:
        return []
    rows = {a.id: a for a in session.scalars(select(Attachment).where(Attachment.instance_id == instance_id,
                                                                      Attachment.id.in_(set(wanted))))}
    return [rows[i] for i in dict.fromkeys(wanted) if i in rows]


def _too_large(kind: AttachmentKind, limit: int) -> TooLarge:
    message = f"is larger than {limit // MIB} MiB, the most a {kind} may be"
    return TooLarge(f"the file {message}", [problem("file", Code.FILE_TOO_LARGE, message, limit=limit)],
                    code=Code.FILE_TOO_LARGE, params={"limit": limit})


def _head(stream: BinaryIO) -> bytes:
    """The file's first HEAD_BYTES (fewer when it is shorter): a stream may give them in pieces."""
    head = b""
    while len(head) < kinds.HEAD_BYTES:
        piece = stream.read(kinds.HEAD_BYTES - len(head))
        if not piece:
            break
        head += piece
    return head


def _chunks(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    return itertools.chain([head], iter(lambda: stream.read(CHUNK), b""))


def _thumbnail(files: FileStore, sha256: str, stream: BinaryIO) -> bool:
    """Make the photo's thumbnail beside it (once for the same bytes): from the upload when it can be read again,
    else from the store."""
    key = thumbnail_key(sha256)
    if files.exists(key):
        return True
    if stream.seekable():
        stream.seek(0)
        made = thumbnails.make(stream)
    else:
        with files.open(key_of(sha256)) as kept, tempfile.SpooledTemporaryFile(max_size=CHUNK) as copy:
            for chunk in iter(lambda: kept.read(CHUNK), b""):
                copy.write(chunk)
            copy.seek(0)
            made = thumbnails.make(copy)  # type: ignore[arg-type]
    if made is None:
        return False
    files.put(key, made, thumbnails.CONTENT_TYPE)
    return True
