"""Uploaded files kept on the server between an import's preview and its confirmation.

The browser carries only a random token; the rows are read again from the stored file at
confirmation, so nothing the client sends back is trusted as data. Files are tied to the
uploader and the student, and deleted after an hour (or once imported).
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from pathlib import Path

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "scanlog-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    """Forget uploads older than an hour (previews never confirmed)."""
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker swept it first


def save(data: bytes, filename: str, uploader_id: int, student_id: int) -> str:
    """Keep an upload; returns its token."""
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    meta = {"filename": filename[-200:], "uploader": uploader_id, "student": student_id}
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(meta))
    return token


def load(token: str, uploader_id: int, student_id: int) -> tuple[str, bytes] | None:
    """(file name, bytes) of this uploader's upload for this student, or None."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.bin").read_bytes()
    except (FileNotFoundError, ValueError):
        return None
    if meta.get("uploader") != uploader_id or meta.get("student") != student_id:
        return None
    return meta["filename"], data


def forget(token: str) -> None:
    """Delete an upload (once imported)."""
    if _TOKEN.fullmatch(token or ""):
        for suffix in (".bin", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
