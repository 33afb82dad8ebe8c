"""The store JARCHY_FILES_URL names."""

from __future__ import annotations

from engine.files.s3 import S3Store
from engine.files.store import FileStore, LocalStore


def open_store(url: str) -> FileStore:
    """`s3://bucket/prefix`: an S3-compatible object store; anything else (`file://` or a path): a folder."""
    if url.startswith("s3://"):
        return S3Store.from_url(url)
    if url.startswith("file://"):
        url = url[len("file://"):]
    return LocalStore(url)
