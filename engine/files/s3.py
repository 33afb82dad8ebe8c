"""An S3-compatible object store (AWS S3, MinIO, Ceph, ...) through boto3: JARCHY_FILES_URL `s3://bucket/prefix`;
the endpoint, region and keys come from the usual variables (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or any other source boto3 reads).

Each part is written to a temporary file as it comes (never held in memory) and sent from there. A file that fits
one part (PART bytes) is hashed first and put once under its SHA-256. A larger one goes up as a multipart upload
under a name of its own, a part at a time, hashed on the way; once its hash is known
it is copied to its key by the store itself (boto3's managed copy, multipart for large objects) and the upload's
own name deleted. A file over its limit aborts its upload: S3 then keeps none of its parts."""

from __future__ import annotations

import io
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, cast

import boto3
from botocore.exceptions import ClientError

from engine.files.store import Hashing, OverLimit, Receipt, key_of

PART = 8 * 1024 * 1024  # S3 wants every part but the last to be at least 5 MiB


class S3Store:
    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client if client is not None else boto3.client("s3")

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        bucket, _, prefix = url[len("s3://"):].partition("/")
        if not bucket:
            raise ValueError(f"JARCHY_FILES_URL {url!r} names no bucket (s3://bucket/prefix)")
        return cls(bucket, prefix)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def receive(self, chunks: Iterable[bytes], *, limit: int) -> Receipt:
        hashing = Hashing(limit)
        passing = hashing.passing(chunks)
        with tempfile.TemporaryFile() as part:
            for chunk in passing:
                part.write(chunk)
                if part.tell() >= PART:
                    return self._multipart(hashing, passing, part)
            receipt = hashing.receipt()
            key = self._key(key_of(receipt.sha256))
            if not self._exists(key):
                part.seek(0)
                self.client.put_object(Bucket=self.bucket, Key=key, Body=part)
            return receipt

    def _multipart(self, hashing: Hashing, rest: Iterator[bytes], part: BinaryIO) -> Receipt:
        """The parts are written to a temporary file, one at a time, and sent from it: botocore reads a file body
        in pieces, so no part is held in memory either."""
        incoming = self._key(f".incoming/{uuid.uuid4().hex}")
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=incoming)["UploadId"]
        parts: list[dict[str, Any]] = []

        def send() -> None:
            number = len(parts) + 1
            part.seek(0)
            answer = self.client.upload_part(Bucket=self.bucket, Key=incoming, UploadId=upload, PartNumber=number,
                                             Body=_Window(part, part_size))
            parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            part.seek(0)
            part.truncate()

        try:
            part_size = part.tell()
            send()
            for chunk in rest:
                part.write(chunk)
                if part.tell() >= PART:
                    part_size = part.tell()
                    send()
            if part.tell():
                part_size = part.tell()
                send()
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=incoming, UploadId=upload,
                                                  MultipartUpload={"Parts": parts})
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=incoming, UploadId=upload)
            raise
        receipt = hashing.receipt()
        key = self._key(key_of(receipt.sha256))
        try:
            if not self._exists(key):
                self.client.copy({"Bucket": self.bucket, "Key": incoming}, self.bucket, key)
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=incoming)
        return receipt

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(key) from error
            raise
        return cast(BinaryIO, answer["Body"])

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)

    def exists(self, key: str) -> bool:
        return self._exists(self._key(key))

    def _exists(self, full_key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=full_key)
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True


class _Window(io.RawIOBase):
    """The first `size` bytes of a file, as a readable, seekable stream (botocore reads a part's body twice: for
    its checksum, then to send it)."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        super().__init__()
        self.file, self.size = file, size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.file.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self.file.tell() + offset, io.SEEK_END: self.size + offset}[whence]
        return self.file.seek(min(max(target, 0), self.size))

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.file.tell()
        return self.file.read(left if n is None or n < 0 else min(n, left))

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound")


__all__ = ["PART", "OverLimit", "S3Store"]
