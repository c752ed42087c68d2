"""RunSpec: the one model of a run that presets, sessions, recordings, networks, the CLI and
the studio share (issue 27)."""

from __future__ import annotations

import json

import pytest

from nnviz.core.learning.presets import load_presets
from nnviz.core.learning.run import MAX_SEED, RunSpec, RunSpecError


def test_round_trip_through_json_keeps_every_field():
    spec = RunSpec("mnist", (784, 30, 10), 0.5, 7, 11, 3_000_000_000, "float64", "numpy")
    back = RunSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert back == spec and back.sizes == (784, 30, 10) and isinstance(back.eta, float)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"dataset": "cifar"}, "dataset", "data set must be one of"),
        ({"sizes": (784,)}, "sizes", "layer"),
        ({"sizes": (784, 0, 10)}, "sizes", "layer"),
        ({"sizes": "784,30,10"}, "sizes", "list"),
        ({"sizes": (784, 30.5, 10)}, "sizes", "whole"),
        ({"eta": -1.0}, "eta", "positive"),
        ({"eta": float("nan")}, "eta", "positive"),
        ({"eta": "3"}, "eta", "number"),
        ({"batch_size": 0}, "batch_size", "mini-batch size must be from 1"),
        ({"epochs": 10**12}, "epochs", "number of epochs must be from 1"),
        ({"epochs": True}, "epochs", "whole number"),
        ({"seed": -1}, "seed", "seed must be from 0"),
        ({"seed": MAX_SEED + 1}, "seed", "seed must be from 0"),
        ({"dtype": "int8"}, "dtype", "float32"),
        ({"engine": "gpu"}, "engine", "engine must be one of"),
    ],
)
def test_every_bad_value_is_refused_naming_its_field(change, field, words):
    with pytest.raises(RunSpecError, match=words) as info:
        RunSpec().replace(**change)
    assert info.value.field == field
    with pytest.raises(RunSpecError) as info:  # and from a file, naming where it was
        RunSpec.from_dict({**RunSpec().to_dict(), **change}, where="lecture.nnviz")
    assert str(info.value).startswith("lecture.nnviz: ") and info.value.field == field


def test_the_whole_seed_range_numpy_takes_is_kept():
    import numpy as np

    for seed in (0, 2**31, MAX_SEED, None):
        spec = RunSpec(seed=seed)
        assert RunSpec.from_dict(spec.to_dict()).seed == seed
        np.random.default_rng(seed)  # numpy accepts it


def test_missing_keys_come_from_the_base_or_are_named():
    partial = {"eta": 0.25, "seed": None}
    assert RunSpec.from_dict(partial, base=RunSpec()) == RunSpec(eta=0.25, seed=None)
    with pytest.raises(RunSpecError, match='has no "dataset"') as info:
        RunSpec.from_dict(partial)
    assert info.value.field == "dataset"
    old = {k: v for k, v in RunSpec().to_dict().items() if k != "engine"}
    assert RunSpec.from_dict(old).engine == "auto"  # files written before the engine existed


def test_presets_are_valid_runs_that_keep_the_users_seed_and_precision():
    for preset in load_presets():
        spec = preset.spec(seed=9, dtype="float64")
        assert (spec.dataset, spec.sizes, spec.eta) == (preset.dataset, preset.sizes, preset.eta)
        assert (spec.seed, spec.dtype) == (9, "float64")


def test_train_config_carries_the_run():
    config = RunSpec(eta=0.5, batch_size=4, epochs=2, seed=5, engine="numpy").train_config(
        train_limit=100
    )
    assert (config.eta, config.batch_size, config.epochs, config.seed, config.engine) == (
        0.5,
        4,
        2,
        5,
        "numpy",
    )
    assert config.train_limit == 100
    config.validate()


def test_without_eta_tells_a_continuing_run_from_a_new_one():
    a = RunSpec()
    assert a.replace(eta=0.1).without_eta() == a.without_eta()
    assert a.replace(seed=1).without_eta() != a.without_eta()
