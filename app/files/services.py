"""Checking an upload before anything of it is stored: size, type (by content) and name."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.files.models import StoredFile

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 150

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0"  # old Office formats are refused: macros hide there


@dataclass(frozen=True)
class FileType:
    content_type: str
    magic: bytes | None  # None: text, checked to be UTF-8 without control characters


ALLOWED_TYPES = {
    "pdf": FileType("application/pdf", b"%PDF-"),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP
    ),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "odt": FileType("application/vnd.oasis.opendocument.text", ZIP),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "txt": FileType("text/plain; charset=utf-8", None),
    "csv": FileType("text/csv; charset=utf-8", None),
}


def clean_filename(raw: str) -> str:
    """The base name, in NFC, without path, control or shell-special characters."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", name).strip().strip(".")
    return name


def check_upload(raw_name: str, data: bytes) -> tuple[str, FileType]:
    """Refuse what is too large, of a type we do not take, or badly named; return the clean name."""
    name = clean_filename(raw_name)
    if not name or "." not in name:
        raise DomainError(_("The file needs a name with an extension, e.g. bilag.pdf."))
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError(_("The file name is longer than %(n)d characters.", n=MAX_NAME_LENGTH))
    if not data:
        raise DomainError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.", mb=MAX_FILE_BYTES // (1024 * 1024))
        )
    extension = name.rsplit(".", 1)[1].lower()
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise DomainError(
            _(
                "Files of the type .%(ext)s are not accepted. Use PDF, Word (.docx), Excel "
                "(.xlsx), OpenDocument (.odt, .ods), text or CSV.",
                ext=extension,
            )
        )
    if file_type.magic is not None and not data.startswith(file_type.magic):
        raise DomainError(_("The content of the file is not a .%(ext)s file.", ext=extension))
    if file_type.magic is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise DomainError(_("A text file must be UTF-8.")) from None
        if re.search(r"[\x00-\x08\x0b\x0e-\x1f]", text):
            raise DomainError(_("The content of the file is not a .%(ext)s file.", ext=extension))
    return name, file_type


def store_upload(db: Session, actor, raw_name: str, data: bytes) -> StoredFile:
    name, file_type = check_upload(raw_name, data)
    stored = StoredFile(
        filename=name,
        content_type=file_type.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.add(stored)
    db.flush()
    return stored
