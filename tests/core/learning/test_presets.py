import pytest

from nnviz.core.datasets.catalog import load_dataset
from nnviz.core.learning.network import Network
from nnviz.core.learning.presets import load_presets
from nnviz.core.learning.training import TrainConfig, check_compatible


def test_shipped_presets_are_consistent():
    presets = load_presets()
    keys = [p.key for p in presets]
    assert len(set(keys)) == len(keys)
    assert {"book", "wide", "eta_small", "eta_large", "no_hidden", "xor", "digits"} <= set(keys)
    by_key = {p.key: p for p in presets}
    assert by_key["eta_large"].eta == 100 and by_key["eta_small"].eta == 0.001
    assert by_key["no_hidden"].sizes == (784, 10)
    for p in presets:
        TrainConfig(epochs=p.epochs, batch_size=p.batch_size, eta=p.eta).validate()
        if p.dataset != "mnist":  # the offline ones must fit their data exactly
            check_compatible(Network(p.sizes, seed=0), load_dataset(p.dataset))
        else:
            assert p.sizes[0] == 784 and p.sizes[-1] == 10


def test_malformed_presets_file(tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text('{"format": "nnviz-presets", "presets": [{"key": "x"}]}')
    with pytest.raises(ValueError, match="malformed"):
        load_presets(bad)
