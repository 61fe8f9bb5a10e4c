"""Attachment files: refused uploads and orphans can be removed."""

import os
import time
from datetime import UTC, datetime, timedelta

from hubdesk.store.blobs import FileBlobStore


def test_discard_removes_content_once(tmp_path):
    blobs = FileBlobStore(tmp_path)
    digest = blobs.put(b"refused upload")
    assert blobs.discard(digest) is True
    assert blobs.discard(digest) is False
    assert not list(tmp_path.rglob(digest))


def test_remove_orphans_spares_referenced_and_recent_files(tmp_path):
    blobs = FileBlobStore(tmp_path)
    kept, orphan, fresh = blobs.put(b"kept"), blobs.put(b"orphan"), blobs.put(b"fresh")
    hour_ago = time.time() - 3600
    for digest in (kept, orphan):
        path = next(tmp_path.rglob(digest))
        os.utime(path, (hour_ago, hour_ago))
    cutoff = datetime.now(UTC) - timedelta(minutes=10)
    assert blobs.remove_orphans({kept}, older_than=cutoff) == [orphan]
    assert blobs.get(kept) == b"kept" and blobs.get(fresh) == b"fresh"
    assert not list(tmp_path.rglob(orphan))
