"""A BERT encoder's forward pass in numpy float32, for small sentence-embedding models.

Enough of BERT for inference on short texts: token, position and segment embeddings, then
self-attention and feed-forward blocks (post-layer-norm, exact erf GELU), and mean pooling.
Weights are read from a Hugging Face `BertModel` state dict (names as in its safetensors file).
Linear layers are stored transposed, input-major, so every product is `x @ W` on contiguous
memory; the attention scale is folded into the query projection once at load time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hubdesk.triage.arrays import Float32Array, FloatArray, IntArray

# Added to the scores of padding positions: exp() of it is 0 in float32, and it stays finite.
_MASKED = np.float32(-1e9)
_FEED_FORWARD_ROWS = 256


@dataclass(frozen=True)
class BertShape:
    hidden: int
    heads: int
    layers: int
    layer_norm_eps: float

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> BertShape:
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config.get('hidden_act')!r}")
        if config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("only absolute position embeddings are supported")
        return cls(
            hidden=int(str(config["hidden_size"])),
            heads=int(str(config["num_attention_heads"])),
            layers=int(str(config["num_hidden_layers"])),
            layer_norm_eps=float(str(config.get("layer_norm_eps", 1e-12))),
        )


@dataclass(frozen=True)
class _LayerNorm:
    scale: Float32Array
    shift: Float32Array
    eps: np.float32

    def __call__(self, x: Float32Array) -> Float32Array:
        centred = x - x.mean(axis=-1, keepdims=True)
        variance = np.mean(centred * centred, axis=-1, keepdims=True)
        # numpy's stubs lose the dtype through the broadcasting below; it stays float32.
        normalised: Float32Array = centred / np.sqrt(variance + self.eps) * self.scale
        return normalised + self.shift


@dataclass(frozen=True)
class _Layer:
    qkv: Float32Array  # (hidden, 3 * hidden): query (pre-scaled), key, value side by side
    qkv_bias: Float32Array
    attention_out: Float32Array
    attention_out_bias: Float32Array
    attention_norm: _LayerNorm
    expand: Float32Array
    expand_bias: Float32Array
    contract: Float32Array
    contract_bias: Float32Array
    output_norm: _LayerNorm


class BertEncoder:
    """Token ids in, mean-pooled and L2-normalised sentence vectors out."""

    def __init__(self, weights: Mapping[str, npt.NDArray[Any]], shape: BertShape) -> None:
        self.shape = shape
        eps = np.float32(shape.layer_norm_eps)

        def tensor(name: str) -> Float32Array:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        def linear(name: str) -> Float32Array:
            return np.ascontiguousarray(tensor(f"{name}.weight").T)

        def norm(prefix: str) -> _LayerNorm:
            return _LayerNorm(tensor(f"{prefix}.weight"), tensor(f"{prefix}.bias"), eps)

        self.word_embeddings = tensor("embeddings.word_embeddings.weight")
        self.position_embeddings = tensor("embeddings.position_embeddings.weight")
        # Single-sentence input: every token is in segment 0.
        self.segment_embedding = tensor("embeddings.token_type_embeddings.weight")[0].copy()
        self.embedding_norm = norm("embeddings.LayerNorm")
        query_scale = np.float32(1 / np.sqrt(shape.hidden // shape.heads))
        self.layers: list[_Layer] = []
        for number in range(shape.layers):
            prefix = f"encoder.layer.{number}"
            attention = f"{prefix}.attention.self"
            qkv = np.hstack(
                [
                    linear(f"{attention}.query") * query_scale,
                    linear(f"{attention}.key"),
                    linear(f"{attention}.value"),
                ]
            )
            qkv_bias = np.concatenate(
                [
                    tensor(f"{attention}.query.bias") * query_scale,
                    tensor(f"{attention}.key.bias"),
                    tensor(f"{attention}.value.bias"),
                ]
            )
            self.layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(qkv),
                    qkv_bias=qkv_bias,
                    attention_out=linear(f"{prefix}.attention.output.dense"),
                    attention_out_bias=tensor(f"{prefix}.attention.output.dense.bias"),
                    attention_norm=norm(f"{prefix}.attention.output.LayerNorm"),
                    expand=linear(f"{prefix}.intermediate.dense"),
                    expand_bias=tensor(f"{prefix}.intermediate.dense.bias"),
                    contract=linear(f"{prefix}.output.dense"),
                    contract_bias=tensor(f"{prefix}.output.dense.bias"),
                    output_norm=norm(f"{prefix}.output.LayerNorm"),
                )
            )

    @property
    def max_positions(self) -> int:
        return int(self.position_embeddings.shape[0])

    def embed(self, ids: IntArray, mask: FloatArray) -> Float32Array:
        """Sentence vectors for a padded batch: `ids` and `mask` are (batch, length)."""
        ids = np.atleast_2d(ids)
        mask = np.atleast_2d(mask).astype(np.float32)
        batch, length = ids.shape
        hidden = self.word_embeddings[ids] + self.position_embeddings[:length]
        hidden = self.embedding_norm(hidden + self.segment_embedding)
        # Tokens as rows of one matrix: each dense layer is then one large product.
        hidden = hidden.reshape(batch * length, self.shape.hidden)
        # Padding keys get no attention; with no padding the addition is skipped entirely.
        key_bias = None if mask.all() else ((1 - mask) * _MASKED)[:, None, None, :]
        for layer in self.layers:
            hidden = self._layer(layer, hidden, batch, key_bias)
        tokens = hidden.reshape(batch, length, self.shape.hidden)
        pooled = np.einsum("bld,bl->bd", tokens, mask) / np.maximum(mask.sum(1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)

    def _layer(
        self, layer: _Layer, hidden: Float32Array, batch: int, key_bias: Float32Array | None
    ) -> Float32Array:
        rows, width = hidden.shape
        heads = self.shape.heads
        qkv = hidden @ layer.qkv
        qkv += layer.qkv_bias
        # (batch, length, 3, heads, head width) -> three of (batch, heads, length, head width)
        query, key, value = qkv.reshape(batch, rows // batch, 3, heads, width // heads).transpose(
            2, 0, 3, 1, 4
        )
        scores = query @ key.transpose(0, 1, 3, 2)
        if key_bias is not None:
            scores += key_bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(rows, width)
        attended = context @ layer.attention_out
        attended += layer.attention_out_bias
        attended += hidden
        hidden = layer.attention_norm(attended)
        out = np.empty_like(hidden)
        # Row blocks keep the wide intermediate activations in cache.
        for start in range(0, rows, _FEED_FORWARD_ROWS):
            block = hidden[start : start + _FEED_FORWARD_ROWS]
            expanded = block @ layer.expand
            expanded += layer.expand_bias
            contracted = gelu(expanded) @ layer.contract
            contracted += layer.contract_bias
            contracted += block
            out[start : start + _FEED_FORWARD_ROWS] = contracted
        return layer.output_norm(out)


# Abramowitz & Stegun 7.1.26 for erfc: absolute error under 1.5e-7, below float32's resolution
# near 1, at a quarter of the cost of scipy's double-precision erf.
_ERFC_P = np.float32(0.3275911 * np.sqrt(0.5))
_ERFC_A = tuple(
    np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
)


def gelu(x: Float32Array) -> Float32Array:
    """x * Phi(x) with the erf form of the normal CDF, as BERT's "gelu" (not the tanh form)."""
    magnitude = np.abs(x)
    t = magnitude * _ERFC_P
    t += 1
    np.reciprocal(t, out=t)
    tail = t * _ERFC_A[0]
    for coefficient in _ERFC_A[1:]:
        tail += coefficient
        tail *= t
    magnitude *= magnitude
    magnitude *= np.float32(-0.5)
    np.exp(magnitude, out=magnitude)
    tail *= magnitude
    tail *= np.float32(0.5)  # now P(Z > |x|)
    return x * np.where(x >= 0, 1 - tail, tail)
