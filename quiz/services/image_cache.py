"""Images drawn once: a PNG is kept on disk under a key of everything that shapes it.

Drawing a certificate or a poster costs 0.2–0.5 s of CPU; a client fetching it in a loop would
otherwise hold a worker. The key is a hash of the inputs (name, title, dates, code, URL, font…),
so a changed input draws a new image and an unchanged one is read back. Files are written to a
temporary name and renamed, so racing workers never read half an image.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path


def cached_png(directory: Path, parts: tuple, render: Callable[[], bytes]) -> bytes:
    """`render()`'s bytes, drawn once for these `parts` and then read from `directory`."""
    key = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
    path = Path(directory) / f"{key}.png"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    body = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{key}.{os.getpid()}.tmp")
    temporary.write_bytes(body)
    temporary.replace(path)
    return body
