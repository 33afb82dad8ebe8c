"""Where attachments' bytes are kept: one small interface, a folder (`LocalStore`) or an S3-compatible object
store (`engine.files.s3.S3Store`), chosen by JARCHY_FILES_URL (`engine.files.opening.open_store`).

Content-addressed: a file's bytes are kept under their SHA-256 (`ab/cd/abcd...`), so the same bytes sent twice are
kept once; its thumbnail beside it (`ab/cd/abcd....thumb.jpg`). `receive` takes the bytes as chunks, hashes and
counts them on the way and writes them as they come (never the whole file in memory), under a name of their own
until the hash is known; a file over its limit is dropped there and nothing of it stays."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024  # bytes read or written at a time
THUMBNAIL_SUFFIX = ".thumb.jpg"


class OverLimit(Exception):  # noqa: N818 - a condition, not a failure of the store
    """The bytes ran past the limit `receive` was given; nothing of them was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class Receipt:
    sha256: str
    size: int


def key_of(sha256: str) -> str:
    """Where the bytes with this SHA-256 are kept, relative to the store's root."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def thumbnail_key(sha256: str) -> str:
    return key_of(sha256) + THUMBNAIL_SUFFIX


class FileStore(Protocol):
    def receive(self, chunks: Iterable[bytes], *, limit: int) -> Receipt:
        """Keep the bytes `chunks` yields under their SHA-256; `OverLimit` past `limit` bytes (nothing kept)."""

    def open(self, key: str) -> BinaryIO:
        """A stream of the bytes kept under `key` (`FileNotFoundError` when there are none); the caller closes it."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Keep a small thing of our own making (a thumbnail) under `key`."""

    def exists(self, key: str) -> bool: ...


class Hashing:
    """Counts and hashes chunks as they pass; raises OverLimit past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size, self.digest = limit, 0, hashlib.sha256()

    def passing(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            if not chunk:
                continue
            self.size += len(chunk)
            if self.size > self.limit:
                raise OverLimit(self.limit)
            self.digest.update(chunk)
            yield chunk

    def receipt(self) -> Receipt:
        return Receipt(self.digest.hexdigest(), self.size)


class LocalStore:
    """A folder (the default: var/files). Incoming bytes are written to `.incoming/` in the same folder, then
    renamed into place (atomic on one file system), so a reader never sees half a file."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if ".." in key.split("/") or key.startswith("/"):
            raise ValueError(f"not a key of this store: {key!r}")
        return self.root / key

    def receive(self, chunks: Iterable[bytes], *, limit: int) -> Receipt:
        incoming = self.root / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        partial = incoming / uuid.uuid4().hex
        hashing = Hashing(limit)
        try:
            with partial.open("wb") as out:
                for chunk in hashing.passing(chunks):
                    out.write(chunk)
            receipt = hashing.receipt()
            final = self._path(key_of(receipt.sha256))
            if final.exists():
                return receipt  # the same bytes are kept already
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, final)
            return receipt
        finally:
            partial.unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        partial.write_bytes(data)
        os.replace(partial, path)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

