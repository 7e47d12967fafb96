"""The related-articles vector index: faiss HNSW and the exact numpy fallback give the same answers."""

from __future__ import annotations

import numpy as np
import pytest

from gazette.stories import ann
from gazette.stories.ann import VectorIndex, faiss_available

BACKENDS = [
    pytest.param(True, id="exact"),
    pytest.param(
        False, id="faiss", marks=pytest.mark.skipif(not faiss_available(), reason="faiss-cpu not installed")
    ),
]
DIM = 16


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def data() -> tuple[list[int], np.ndarray]:
    rng = np.random.default_rng(3)
    return [1000 + 7 * i for i in range(300)], unit(rng.standard_normal((300, DIM)))


def make(exact: bool, ids: list[int], vectors: np.ndarray) -> VectorIndex:
    # efSearch above the row count makes HNSW exhaustive on this small data, so answers are exact.
    index = VectorIndex(DIM, exact=exact, ef_search=512, model="test-model")
    index.add(ids, vectors)
    return index


def brute_force(ids: list[int], vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    order = np.argsort(-(vectors @ query), kind="stable")[:k]
    return [ids[i] for i in order]


@pytest.mark.parametrize("exact", BACKENDS)
def test_finds_the_true_nearest_neighbours(exact, data):
    ids, vectors = data
    index = make(exact, ids, vectors)
    assert len(index) == 300
    queries = unit(np.random.default_rng(4).standard_normal((25, DIM)))
    for query in queries:
        found = index.search(query, 5)
        assert [article for article, _ in found] == brute_force(ids, vectors, query, 5)
        scores = [score for _, score in found]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] == pytest.approx(float(vectors[ids.index(found[0][0])] @ query), abs=1e-5)


@pytest.mark.parametrize("exact", BACKENDS)
def test_an_indexed_vector_finds_itself_first(exact, data):
    ids, vectors = data
    index = make(exact, ids, vectors)
    article, score = index.search(vectors[10], 1)[0]
    assert article == ids[10]
    assert score == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("exact", BACKENDS)
def test_excluded_ids_are_left_out_and_k_is_still_filled(exact, data):
    ids, vectors = data
    index = make(exact, ids, vectors)
    nearest = brute_force(ids, vectors, vectors[0], 8)
    found = index.search(vectors[0], 5, exclude=nearest[:3])
    assert [article for article, _ in found] == nearest[3:8]


@pytest.mark.parametrize("exact", BACKENDS)
def test_removed_ids_are_not_found(exact, data):
    ids, vectors = data
    index = make(exact, ids, vectors)
    assert index.remove([ids[0], ids[1], 999_999]) == 2
    assert len(index) == 298
    assert index.dead == 2
    found = [article for article, _ in index.search(vectors[0], 10)]
    assert ids[0] not in found and ids[1] not in found
    assert found == [a for a in brute_force(ids, vectors, vectors[0], 12) if a not in ids[:2]][:10]


@pytest.mark.parametrize("exact", BACKENDS)
def test_adding_an_existing_id_replaces_its_vector(exact, data):
    ids, vectors = data
    index = make(exact, ids, vectors)
    index.add([ids[0]], vectors[200:201])
    assert len(index) == 300
    top_two = {article for article, _ in index.search(vectors[200], 2)}
    assert top_two == {ids[0], ids[200]}
    assert ids[0] not in [article for article, _ in index.search(vectors[0], 3)]


@pytest.mark.parametrize("exact", BACKENDS)
def test_k_beyond_the_live_rows_returns_them_all(exact, data):
    ids, vectors = data
    index = make(exact, ids[:5], vectors[:5])
    index.remove([ids[0]])
    assert sorted(article for article, _ in index.search(vectors[0], 50)) == ids[1:5]


@pytest.mark.parametrize("exact", BACKENDS)
def test_empty_index_and_zero_k(exact):
    index = VectorIndex(DIM, exact=exact)
    assert len(index) == 0
    assert index.search(np.ones(DIM), 10) == []
    index.add([1], np.ones((1, DIM)))
    assert index.search(np.ones(DIM), 0) == []


@pytest.mark.parametrize("exact", BACKENDS)
def test_vectors_are_normalised_on_the_way_in(exact):
    index = VectorIndex(DIM, exact=exact)
    index.add([1, 2], np.vstack([np.full(DIM, 5.0), -np.ones(DIM)]))
    assert index.search(np.full(DIM, 0.1), 1) == [(1, pytest.approx(1.0, abs=1e-5))]


@pytest.mark.parametrize("exact", BACKENDS)
def test_shape_errors_are_refused(exact):
    index = VectorIndex(DIM, exact=exact)
    with pytest.raises(ValueError, match="16 columns"):
        index.add([1], np.ones((1, DIM + 1)))
    with pytest.raises(ValueError, match="2 ids for 1 vectors"):
        index.add([1, 2], np.ones((1, DIM)))
    with pytest.raises(ValueError, match="distinct"):
        index.add([1, 1], np.ones((2, DIM)))


@pytest.mark.parametrize("exact", BACKENDS)
def test_save_and_load_round_trip(exact, data, tmp_path):
    ids, vectors = data
    index = make(exact, ids, vectors)
    index.remove([ids[5]])
    path = tmp_path / "data" / ann.INDEX_FILENAME
    index.save(path)
    assert not list(path.parent.glob("*.partial"))
    loaded = VectorIndex.load(path, exact=exact)
    assert (loaded.exact, loaded.model, len(loaded), loaded.ef_search) == (exact, "test-model", 299, 512)
    for query in vectors[:20]:
        before, after = index.search(query, 10), loaded.search(query, 10)
        assert [a for a, _ in after] == [a for a, _ in before]
        np.testing.assert_allclose([s for _, s in after], [s for _, s in before], atol=1e-5)
    loaded.add([1], vectors[5:6])
    assert loaded.search(vectors[5], 1)[0][0] == 1


@pytest.mark.parametrize("exact", BACKENDS)
def test_compact_drops_dead_rows(exact, data):
    ids, vectors = data
    index = make(exact, ids, vectors)
    index.remove(ids[:100])
    before = [index.search(query, 5) for query in vectors[:10]]
    index.compact()
    assert (len(index), index.dead) == (200, 0)
    after = [index.search(query, 5) for query in vectors[:10]]
    assert [[a for a, _ in row] for row in after] == [[a for a, _ in row] for row in before]


@pytest.mark.skipif(not faiss_available(), reason="faiss-cpu not installed")
def test_numpy_fallback_agrees_with_faiss(data):
    ids, vectors = data
    hnsw, exact = make(False, ids, vectors), make(True, ids, vectors)
    for query in unit(np.random.default_rng(5).standard_normal((30, DIM))):
        from_faiss, from_numpy = hnsw.search(query, 10), exact.search(query, 10)
        assert [a for a, _ in from_faiss] == [a for a, _ in from_numpy]
        np.testing.assert_allclose([s for _, s in from_faiss], [s for _, s in from_numpy], atol=1e-5)


@pytest.mark.skipif(not faiss_available(), reason="faiss-cpu not installed")
def test_exact_file_loads_into_faiss_and_faiss_file_refuses_exact(data, tmp_path):
    ids, vectors = data
    make(True, ids, vectors).save(tmp_path / "exact.npz")
    upgraded = VectorIndex.load(tmp_path / "exact.npz")
    assert not upgraded.exact
    assert upgraded.search(vectors[3], 1)[0][0] == ids[3]
    make(False, ids, vectors).save(tmp_path / "hnsw.npz")
    with pytest.raises(RuntimeError, match="needs faiss-cpu"):
        VectorIndex.load(tmp_path / "hnsw.npz", exact=True)


def test_without_faiss_the_index_is_exact(monkeypatch, data):
    monkeypatch.setattr(ann, "faiss", None)
    assert not faiss_available()
    ids, vectors = data
    index = VectorIndex(DIM)
    assert index.exact
    index.add(ids, vectors)
    assert index.search(vectors[7], 1)[0][0] == ids[7]
    with pytest.raises(RuntimeError, match="faiss-cpu is not installed"):
        VectorIndex(DIM, exact=False)
