"""Attachments' bytes: what a file is (decided from its content), where its bytes are kept (a folder or an
S3-compatible object store, content-addressed by SHA-256), and the thumbnails of photos. Knows nothing of cases,
users or the database; `engine.runtime.attachments` and `engine.reads.attachments` use it."""
