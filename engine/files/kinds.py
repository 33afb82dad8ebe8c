"""What an uploaded file is, decided from its first bytes (magic numbers), never from its name.

`filetype` (pure Python, no libmagic) reads the signatures of images, video, audio, PDF and the office formats
(docx, xlsx, pptx by the names inside the ZIP; odt, ods, odp by their `mimetype` entry; doc, xls, ppt when their
first stream says so). A legacy Office file whose first bytes are only the OLE2 container's is opened with
`olefile` (which reads the container's directory, not the whole file) to find its Word, Excel or PowerPoint
stream. Only the types listed in ALLOWED are taken: anything else (HTML, SVG, scripts, executables, archives, a
file nothing recognises) is refused. The allow-list is the rule; nothing is refused by a deny-list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import filetype
import olefile

from db.vocabulary import AttachmentKind

# filetype reads at most this many bytes (its own constant): what `detect` needs from the start of a file.
HEAD_BYTES = 8192
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

PHOTO, VIDEO, AUDIO, DOCUMENT = (AttachmentKind.PHOTO, AttachmentKind.VIDEO, AttachmentKind.AUDIO,
                                 AttachmentKind.DOCUMENT)
# content type -> (kind, extension). A type not here is refused.
ALLOWED: dict[str, tuple[AttachmentKind, str]] = {
    "image/jpeg": (PHOTO, "jpg"),
    "image/png": (PHOTO, "png"),
    "image/gif": (PHOTO, "gif"),
    "image/webp": (PHOTO, "webp"),
    "image/heic": (PHOTO, "heic"),
    "image/tiff": (PHOTO, "tif"),
    "video/mp4": (VIDEO, "mp4"),
    "video/x-m4v": (VIDEO, "m4v"),
    "video/quicktime": (VIDEO, "mov"),
    "video/webm": (VIDEO, "webm"),
    "video/x-matroska": (VIDEO, "mkv"),
    "video/x-msvideo": (VIDEO, "avi"),
    "video/mpeg": (VIDEO, "mpg"),
    "video/3gpp": (VIDEO, "3gp"),
    "audio/mpeg": (AUDIO, "mp3"),
    "audio/mp4": (AUDIO, "m4a"),
    "audio/ogg": (AUDIO, "ogg"),
    "audio/x-flac": (AUDIO, "flac"),
    "audio/x-wav": (AUDIO, "wav"),
    "audio/aac": (AUDIO, "aac"),
    "audio/amr": (AUDIO, "amr"),
    "application/pdf": (DOCUMENT, "pdf"),
    "application/msword": (DOCUMENT, "doc"),
    "application/vnd.ms-excel": (DOCUMENT, "xls"),
    "application/vnd.ms-powerpoint": (DOCUMENT, "ppt"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (DOCUMENT, "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (DOCUMENT, "xlsx"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (DOCUMENT, "pptx"),
    "application/vnd.oasis.opendocument.text": (DOCUMENT, "odt"),
    "application/vnd.oasis.opendocument.spreadsheet": (DOCUMENT, "ods"),
    "application/vnd.oasis.opendocument.presentation": (DOCUMENT, "odp"),
}
# The stream names that make an OLE2 container a Word, Excel or PowerPoint file.
OLE_STREAMS = (("WordDocument", "application/msword"), ("Workbook", "application/vnd.ms-excel"),
               ("Book", "application/vnd.ms-excel"), ("PowerPoint Document", "application/vnd.ms-powerpoint"))


@dataclass(frozen=True)
class Detected:
    content_type: str
    kind: AttachmentKind
    extension: str


def detect(head: bytes, whole: BinaryIO | None = None) -> Detected | None:
    """The allowed type of a file that starts with `head` (its first HEAD_BYTES), or None. `whole`, a seekable
    stream of the whole file, is read only for an OLE2 container (legacy Office), and left where it was."""
    found = filetype.guess_mime(head)
    if found is None and head.startswith(OLE_MAGIC) and whole is not None:
        found = _legacy_office(whole)
    if found is None or found not in ALLOWED:
        return None
    kind, extension = ALLOWED[found]
    return Detected(found, kind, extension)


# Other spellings of an extension that are the same type.
SAME_EXTENSION = {"jpg": {"jpeg", "jfif"}, "tif": {"tiff"}, "mpg": {"mpeg"}, "heic": {"heif"}}


def file_name(given: str, detected: Detected) -> str:
    """The name a file is kept and downloaded under: the sender's, without folders or control characters, ending
    with the extension of what the file is (a PDF sent as `report.html` is kept as `report.html.pdf`), so that
    no program opens it as something else."""
    name = given.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".") or "file"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix != detected.extension and suffix not in SAME_EXTENSION.get(detected.extension, ()):
        name = f"{name}.{detected.extension}"
    if len(name) > 255:
        stem, _, suffix = name.rpartition(".")
        name = f"{stem[:250 - len(suffix)]}.{suffix}"
    return name


def sniffed(head: bytes) -> str | None:
    """The type filetype sees in `head`, allowed or not (to say what a refused file is)."""
    return filetype.guess_mime(head)


def _legacy_office(whole: BinaryIO) -> str | None:
    at = whole.tell()
    try:
        whole.seek(0)
        if not olefile.isOleFile(whole):
            return None
        whole.seek(0)
        with olefile.OleFileIO(whole) as container:
            for stream, content_type in OLE_STREAMS:
                if container.exists(stream):
                    return content_type
        return None
    except (OSError, ValueError, EOFError, IndexError, TypeError):  # a damaged container is not a document
        return None
    finally:
        whole.seek(at)
