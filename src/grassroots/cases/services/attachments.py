"""Photos and files of a case: checked by content, stored outside the web root."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..enums import CaseEventType
from ..errors import CaseError, CaseErrorCode
from ..models import Attachment, Case
from ._common import RESIDENT, lock, record

# Recognised by their first bytes; the client's declared type is not trusted.
SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"WEBP", 8, "image/webp", ".webp"),
    (b"ftypheic", 4, "image/heic", ".heic"),
    (b"ftypmif1", 4, "image/heic", ".heic"),
    (b"%PDF-", 0, "application/pdf", ".pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type and extension that the file's first bytes show, if allowed."""
    for magic, offset, content_type, ext in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and head[:4] != b"RIFF":
                continue
            return content_type, ext
    return None


@transaction.atomic
def attach_file(
    case: Case, *, upload: UploadedFile, actor: Any, public: bool | None = None
) -> Attachment:
    """Store a photo or document for the case, after checking its type, size and count.

    Unless `public` says otherwise, the resident's own files are shown to them and a staff
    member's files are staff-only (a photo of the repair is made public on purpose)."""
    if public is None:
        public = actor is RESIDENT
    case = lock(case)
    if upload.size is None or upload.size > settings.CASE_ATTACHMENT_MAX_BYTES:
        raise CaseError(
            CaseErrorCode.INVALID,
            _("file: at most %d MB.") % (settings.CASE_ATTACHMENT_MAX_BYTES // 2**20),
            status=413,
        )
    if case.attachments.count() >= settings.CASE_ATTACHMENT_MAX_COUNT:
        raise CaseError(
            CaseErrorCode.INVALID,
            _("file: at most %d files per case.") % settings.CASE_ATTACHMENT_MAX_COUNT,
        )
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise CaseError(
            CaseErrorCode.INVALID,
            _("file: only photos (JPEG, PNG, GIF, WebP, HEIC) and PDF."),
            status=415,
        )
    content_type, ext = kind
    attachment = Attachment(
        case=case,
        content_type=content_type,
        size=upload.size,
        public=public,
        original_name=(upload.name or "")[:200],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The stored name is ours, never the client's: no path tricks, no double extensions.
    attachment.file.save(f"{case.tracking_code}{ext}", upload, save=False)
    attachment.save()
    record(
        case,
        CaseEventType.ATTACHED,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        public=public,
        data={"attachment": attachment.pk, "type": content_type, "size": upload.size},
    )
    return attachment
