"""py3langid's model, memory-mapped from files instead of held in each process's heap.

Its model is about 70 MB once unpacked (a byte-level automaton of ~9.8 million transitions and
a float16 table of 100,053 features by 142 languages), and every process that loads it keeps
its own copy. Unpacked once into plain files and mapped read-only, the pages a message
touches are read on demand and shared by every process of the machine through the page
cache: a worker's resident memory holds only what detection visited. The automaton is read
through `memoryview`, whose items are plain ints, as fast as the lists and arrays it replaces.
The answers are the package's own: the mapped arrays hold the same numbers.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 2
_VIEWS = {"nextmove": "I", "rowbase": "I", "output": "i", "ptc": "e"}


def mapped_identifier(cache_dir: Path) -> Any:
    """py3langid's identifier (probabilities normalised) over the mapped model, unpacking it
    into `cache_dir` first if no earlier process did."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    source = Path(MODEL_DIR) / MODEL_FILE
    stat = source.stat()
    folder = cache_dir / f"py3langid-{FORMAT}-{stat.st_size}-{stat.st_mtime_ns}"
    if not (folder / "classes.json").exists():
        _unpack(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True), folder)
    classes = json.loads((folder / "classes.json").read_text())
    table = np.frombuffer(_map(folder / "ptc.bin"), np.float16).reshape(-1, len(classes))
    identifier = LanguageIdentifier(
        table, np.load(folder / "pc.npy"), classes,
        _view(folder, "nextmove"), _view(folder, "output"), norm_probs=True, tk_row=[])
    identifier._rowbase = _view(folder, "rowbase")
    return identifier


def _view(folder: Path, name: str) -> memoryview[int]:
    # Every view holds C integers; typeshed types `cast` by literal format codes only.
    view: memoryview[int] = memoryview(_map(folder / f"{name}.bin")).cast(_VIEWS[name])  # type: ignore[call-overload]
    return view


def _map(path: Path) -> mmap.mmap:
    with path.open("rb") as stream:
        # A message visits scattered rows. Pages cached in large folios (as a file written or
        # read in one go is) would each map up to 2 MB into every process that touches one
        # byte: cached pages no process maps are dropped, and read back one page at a time,
        # without read-ahead.
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(stream.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    for advice in ("MADV_RANDOM", "MADV_NOHUGEPAGE"):
        if hasattr(mmap, advice):
            mapped.madvise(getattr(mmap, advice))
    return mapped


def _unpack(identifier: Any, folder: Path) -> None:
    """Write the model's arrays beside each other, then publish the folder in one rename so
    a process starting meanwhile never maps half a model."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        np.save(staging / "pc.npy", np.asarray(identifier.nb_pc))
        arrays = {"nextmove": identifier.tk_nextmove, "rowbase": identifier._rowbase,
                  "output": identifier.tk_output, "ptc": identifier.nb_ptc}
        for name, values in arrays.items():
            with (staging / f"{name}.bin").open("wb") as stream:
                stream.write(np.asarray(values, dtype=np.dtype(_VIEWS[name])).tobytes())
                stream.flush()
                os.fsync(stream.fileno())  # clean pages can be dropped from the cache
        (staging / "classes.json").write_text(json.dumps(list(identifier.nb_classes)))
        os.replace(staging, folder)
    except OSError:
        if not (folder / "classes.json").exists():
            raise
        log.debug("another process unpacked the language model first")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
