"""Files the admin area hands out: a folder of posters as one ZIP archive.

A site's name and quotas are changed with ``Store.update_site``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def zip_folder(folder: str | Path, *, pattern: str = "*") -> bytes:
    """The files of ``folder`` matching ``pattern`` as one ZIP archive (for a download button)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).glob(pattern)):
            if path.is_file():
                archive.write(path, path.name)
    return buffer.getvalue()
