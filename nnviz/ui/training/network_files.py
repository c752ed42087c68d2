"""Saving the studio's network to a file and turning a saved network back into a run."""

from __future__ import annotations

from pathlib import Path

from nnviz.core.datasets.catalog import DATASET_NAMES
from nnviz.core.datasets.mnist import find_mnist
from nnviz.core.files.network import load_network, save_network
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import Snapshot


def network_from(snapshot: Snapshot | None) -> Network | None:
    """A copy of the network a snapshot holds (None without one)."""
    if snapshot is None:
        return None
    return Network.from_params(snapshot.weights, snapshot.biases, snapshot.weights[0].dtype)


def save_run_network(path: str | Path, settings: RunSpec, snapshot: Snapshot | None) -> Path:
    """Save the snapshot's network with the run's settings and progress as its meta."""
    net = network_from(snapshot)
    if net is None:
        raise ValueError("there is no network yet")
    p = snapshot.progress
    meta = {
        **settings.replace(eta=p.eta, dtype=net.dtype.name).to_dict(),
        "epoch": p.epoch,
        "examples_seen": p.examples_seen,
        "test_correct": p.test_correct,
    }
    return save_network(path, net, meta)


def open_run_network(path: str | Path, old: RunSpec | None) -> tuple[Network, RunSpec, int]:
    """A saved network, the run settings to go on with it, and the epoch to start from.

    Raises NetworkFileError for a file that is not an nnviz network and ValueError for one
    no available data set fits; nothing is changed either way.
    """
    net, meta = load_network(path)
    dataset = meta.get("dataset")
    if dataset not in (None, *DATASET_NAMES):
        dataset = None
    if dataset is None:
        dataset = {784: "mnist", 64: "digits"}.get(net.sizes[0])
    if dataset is None:
        raise ValueError(f"no built-in data set has {net.sizes[0]} inputs")
    if dataset == "mnist" and find_mnist() is None:
        raise ValueError(
            "this network was trained on MNIST, which is not downloaded yet: "
            "use File \u25b8 Download MNIST\u2026 first"
        )
    # The network's own sizes and precision; the rest from its meta where it has them
    # (a network saved by an older nnviz or by hand may not), else the usual defaults.
    base = RunSpec(dataset, tuple(net.sizes), old.eta if old else 3.0, dtype=net.dtype.name)
    known = {k: v for k, v in meta.items() if k not in ("dataset", "sizes", "dtype")}
    s = RunSpec.from_dict(known, where="the network's settings", base=base)
    epoch = meta.get("epoch")
    return net, s, 0 if epoch is None else int(epoch) + 1
