"""Names for the numpy arrays triage passes around, by what their elements are."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

# Embeddings, weights, features: the models compute in float32.
Float32Array = npt.NDArray[np.float32]
# Scores whose precision follows their inputs (float32 from a model, float64 once summed).
FloatArray = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
# Class names and labels, kept as Python strings inside an object array.
LabelArray = npt.NDArray[np.object_]
