"""An S3-compatible object store (AWS S3, MinIO, Ceph, ...) through boto3: JARCHY_FILES_URL `s3://bucket/prefix`;
the endpoint, region and keys come from the usual variables (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or any other source boto3 reads).

A file that fits one part (PART bytes) is hashed first and put once under its SHA-256. A larger one goes up as a
multipart upload under a name of its own, one part in memory at a time, hashed on the way; once its hash is known
it is copied to its key by the store itself (boto3's managed copy, multipart for large objects) and the upload's
own name deleted. A file over its limit aborts its upload: S3 then keeps none of its parts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
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
        buffer = bytearray()
        passing = hashing.passing(chunks)
        for chunk in passing:
            buffer += chunk
            if len(buffer) >= PART:
                return self._multipart(hashing, passing, buffer)
        receipt = hashing.receipt()
        key = self._key(key_of(receipt.sha256))
        if not self._exists(key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer))
        return receipt

    def _multipart(self, hashing: Hashing, rest: Iterable[bytes], buffer: bytearray) -> Receipt:
        incoming = self._key(f".incoming/{uuid.uuid4().hex}")
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=incoming)["UploadId"]
        parts: list[dict[str, Any]] = []

        def send(data: bytes) -> None:
            number = len(parts) + 1
            answer = self.client.upload_part(Bucket=self.bucket, Key=incoming, UploadId=upload, PartNumber=number,
                                             Body=data)
            parts.append({"PartNumber": number, "ETag": answer["ETag"]})

        try:
            send(bytes(buffer[:PART]))
            del buffer[:PART]
            for chunk in rest:
                buffer += chunk
                while len(buffer) >= PART:
                    send(bytes(buffer[:PART]))
                    del buffer[:PART]
            if buffer:
                send(bytes(buffer))
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


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound")


__all__ = ["PART", "OverLimit", "S3Store"]
