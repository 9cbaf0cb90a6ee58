"""Embedders: the bundled MiniLM run in numpy, Bedrock Titan (botocore Stubber), and lexical-only mode."""

from __future__ import annotations

import io
import json
from pathlib import Path

import boto3
import numpy
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from core.settings import Settings
from knowledge import embeddings
from knowledge.embeddings import BedrockTitanEmbedder, MiniLMEmbedder, build_embedder

# The first values sentence-transformers (PyTorch) prints for this sentence with all-MiniLM-L6-v2.
REFERENCE_SENTENCE = "This is an example sentence"
REFERENCE_PREFIX = [
    6.76569119e-02,
    6.34959862e-02,
    4.87131625e-02,
    7.93049634e-02,
    3.74480709e-02,
    2.65275245e-03,
]
TITAN_ID = "amazon.titan-embed-text-v2:0"


def settings_with(tmp_path: Path, **values: object) -> Settings:
    return Settings(data_dir=tmp_path, _env_file=None, **values)


def test_minilm_reproduces_the_reference_sentence_transformers_embedding(minilm: MiniLMEmbedder) -> None:
    vector = minilm.embed([REFERENCE_SENTENCE])[0]

    assert vector[: len(REFERENCE_PREFIX)] == pytest.approx(REFERENCE_PREFIX, abs=1e-5)


def test_minilm_rows_are_float32_unit_vectors_in_input_order(minilm: MiniLMEmbedder) -> None:
    texts = ["a much longer sentence about cushioned running shoes for flat feet", "tee", "niacinamide serum"]

    matrix = minilm.embed(texts)

    assert matrix.shape == (3, minilm.dim) and matrix.dtype == numpy.float32
    assert numpy.linalg.norm(matrix, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)
    assert matrix[1] == pytest.approx(minilm.embed(["tee"])[0], abs=1e-5)


def test_padding_in_a_batch_does_not_change_a_texts_embedding(minilm: MiniLMEmbedder) -> None:
    alone = minilm.embed(["short"])[0]
    padded = minilm.embed(["short", "a far longer text that forces the short one to be padded " * 3])[0]

    assert padded == pytest.approx(alone, abs=1e-5)


def test_paraphrases_are_closer_than_unrelated_texts(minilm: MiniLMEmbedder) -> None:
    shoe, sneaker, serum = minilm.embed(
        ["running shoes for men", "men's sports sneakers for jogging", "vitamin C face serum"]
    )

    assert float(shoe @ sneaker) > float(shoe @ serum) + 0.2


def test_embedding_nothing_gives_an_empty_matrix(minilm: MiniLMEmbedder) -> None:
    assert minilm.embed([]).shape == (0, minilm.dim)


def test_build_embedder_loads_the_bundled_model_by_default(tmp_path: Path) -> None:
    embedder = build_embedder(settings_with(tmp_path))

    assert isinstance(embedder, MiniLMEmbedder)


def test_build_embedder_returns_none_for_lexical_only_search(tmp_path: Path) -> None:
    assert build_embedder(settings_with(tmp_path, embedding_model="none")) is None


def test_without_the_model_package_search_falls_back_to_lexical_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embeddings, "MINILM_PACKAGE", "pakka_no_such_model_package")

    assert build_embedder(settings_with(tmp_path)) is None


def test_build_embedder_configures_titan_from_settings(tmp_path: Path) -> None:
    embedder = build_embedder(settings_with(tmp_path, embedding_model="bedrock", bedrock_embedding_dim=256))

    assert isinstance(embedder, BedrockTitanEmbedder)
    assert (embedder.name, embedder.dim) == (TITAN_ID, 256)


def titan_response(vector: list[float]) -> dict[str, object]:
    payload = json.dumps({"embedding": vector, "inputTextTokenCount": 3}).encode()
    return {"body": StreamingBody(io.BytesIO(payload), len(payload)), "contentType": "application/json"}


def titan_request(text: str, dim: int) -> dict[str, object]:
    return {
        "modelId": TITAN_ID,
        "body": json.dumps({"inputText": text, "dimensions": dim, "normalize": True}),
        "contentType": "application/json",
        "accept": "application/json",
    }


def test_titan_sends_one_invoke_model_per_text_and_returns_normalised_rows() -> None:
    client = boto3.client("bedrock-runtime", region_name="ap-south-1")
    embedder = BedrockTitanEmbedder(client, TITAN_ID, 4)
    with Stubber(client) as stubber:
        stubber.add_response("invoke_model", titan_response([3.0, 4.0, 0.0, 0.0]), titan_request("shoes", 4))
        stubber.add_response("invoke_model", titan_response([0.0, 0.0, 0.0, 2.0]), titan_request("serum", 4))

        matrix = embedder.embed(["shoes", "serum"])

        stubber.assert_no_pending_responses()
    assert matrix.dtype == numpy.float32
    assert matrix == pytest.approx(numpy.array([[0.6, 0.8, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]))


def test_titan_rejects_a_vector_of_the_wrong_dimension() -> None:
    client = boto3.client("bedrock-runtime", region_name="ap-south-1")
    embedder = BedrockTitanEmbedder(client, TITAN_ID, 4)
    with Stubber(client) as stubber:
        stubber.add_response("invoke_model", titan_response([1.0, 0.0]), titan_request("shoes", 4))

        with pytest.raises(ValueError, match="2 dimensions, expected 4"):
            embedder.embed(["shoes"])


def test_titan_surfaces_bedrock_errors() -> None:
    client = boto3.client("bedrock-runtime", region_name="ap-south-1")
    embedder = BedrockTitanEmbedder(client, TITAN_ID, 4)
    with Stubber(client) as stubber:
        stubber.add_client_error("invoke_model", "ThrottlingException", http_status_code=429)

        with pytest.raises(client.exceptions.ThrottlingException):
            embedder.embed(["shoes"])
