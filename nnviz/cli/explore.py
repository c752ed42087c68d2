"""`nnviz explore`: look inside a saved network from a terminal.

nnviz explore gradient-noise --model NET.npz --m 1,10,100,1000
nnviz explore cost --model NET.npz --example 0
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "explore",
        help="a saved network's gradient estimates and per-example cost",
        description="Look inside a network saved by nnviz: how well mini-batch gradients "
        "estimate the full gradient (section 1.5), and one example's cost term by term "
        "(section 2.2).",
    )
    sub = p.add_subparsers(dest="explore_command", metavar="ACTION", required=True)
    noise = sub.add_parser(
        "gradient-noise",
        help="relative error and cosine of mini-batch gradient estimates, per m",
        description="Compute the full training-set gradient of the cost, then the gradients "
        "of many random mini-batches of each size m, and print per m the median relative "
        "error |grad C_X - grad C| / |grad C| and the mean cosine between estimate and truth. "
        "m = 1 is online learning.",
    )
    noise.add_argument(
        "--m",
        default="1,10,100,1000",
        metavar="M,M,...",
        help="mini-batch sizes to try",
    )
    noise.add_argument(
        "--count", type=int, default=100, metavar="N", help="estimates drawn for each m"
    )
    noise.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="use the first N training examples only (default: all of them)",
    )
    noise.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the draws")
    cost = sub.add_parser(
        "cost",
        help="one example's cost C_x term by term, and its gradient a - y",
        description="Print, for one example, each output's activation a_j, target y_j, "
        "its term 1/2 (y_j - a_j)^2 of the cost C_x and the gradient a_j - y_j; then C_x, "
        "and the mean cost over the split computed both as the mean of the C_x and in one "
        "vectorised formula.",
    )
    cost.add_argument("--example", type=int, default=0, metavar="N", help="index in the split")
    cost.add_argument("--split", choices=("test", "train"), default="test", help="which examples")
    for q in (noise, cost):
        q.add_argument("--model", required=True, metavar="FILE", help="network file (.npz)")
        q.add_argument(
            "--dataset",
            metavar="NAME",
            help="data set to use (default: the one the network was trained on)",
        )
        q.add_argument("--data-dir", metavar="DIR", help="the MNIST folder to use")
        q.set_defaults(func=run)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return {"gradient-noise": _noise, "cost": _cost}[args.explore_command](args)


def _load(args):
    """The network and a data set it fits, or UsageError with what to do."""
    import numpy as np

    from nnviz.core.datasets.catalog import load_dataset
    from nnviz.core.errors import DataError, UsageError
    from nnviz.core.files.network import NetworkFileError, load_network
    from nnviz.core.learning.training import check_compatible

    try:
        net, meta = load_network(args.model)
    except NetworkFileError as exc:
        raise UsageError(str(exc)) from None
    name = args.dataset or meta.get("dataset") or {784: "mnist", 64: "digits"}.get(net.sizes[0])
    if name is None:
        raise UsageError(
            f"{args.model}: no built-in data set has {net.sizes[0]} inputs; pass --dataset"
        )
    try:
        dataset = load_dataset(str(name), data_dir=args.data_dir)
        check_compatible(net, dataset)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:
        raise UsageError(f"{args.model} does not fit the {name} data: {exc}") from None
    return net.astype(np.float64), dataset


def _noise(args) -> int:
    import numpy as np

    from nnviz.core.errors import UsageError
    from nnviz.core.gradient_estimate import (
        check_sizes,
        estimate_gradients,
        expected_error,
        full_gradient,
        gradient_spread,
        largest_components,
        parameter_name,
    )

    try:
        ms = [int(s) for s in str(args.m).split(",") if s.strip()]
    except ValueError:
        raise UsageError(f"--m {args.m!r}: give whole numbers, e.g. 1,10,100,1000") from None
    if args.count < 2:
        raise UsageError("--count must be at least 2")
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    net, dataset = _load(args)
    split = dataset.train if args.limit is None else dataset.train.head(args.limit)
    try:
        ms = check_sizes(ms, len(split))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    x = dataset.inputs(split, np.float64)
    y = split.y.T.astype(np.float64)
    print(f"# full gradient over {len(split)} {dataset.name} training examples", file=sys.stderr)
    truth = full_gradient(net, x, y)
    pair = largest_components(truth, sizes=net.sizes)
    try:
        results = estimate_gradients(
            net, x, y, truth, ms, count=args.count, pair=pair, seed=args.seed
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    names = ", ".join(parameter_name(net.sizes, i) for i in pair)
    norm, n = float(np.linalg.norm(truth)), len(split)
    spread = gradient_spread(net, x, y, truth)
    print(f"|grad C| = {norm:.6g}; largest components: {names}")
    print(f"spread of single-example gradients: sigma = {np.sqrt(spread):.6g}")
    print("relative error |grad C_X - grad C| / |grad C| (root mean square): sampled from")
    print(f"{args.count} mini-batches, and exact, sqrt((n - m) / (m (n - 1))) sigma / |grad C|;")
    print("mean cosine of the sampled estimates:")
    print(f"{'m':>6}  {'sampled':>10}  {'exact':>10}  {'x sqrt(m)':>9}  {'cosine':>7}")
    for r in results:
        note = "  (online learning)" if r.m == 1 else ""
        exact = float(expected_error(r.m, n, spread, norm))
        print(
            f"{r.m:>6}  {r.rms_error:>10.4f}  {exact:>10.4f}  {exact * np.sqrt(r.m):>9.3f}  "
            f"{r.mean_cosine:>7.4f}{note}"
        )
    return 0


def _cost(args) -> int:
    import numpy as np

    from nnviz.core.errors import UsageError
    from nnviz.core.gradient_estimate import cost_terms, output_gradient, per_example_costs

    net, dataset = _load(args)
    split = dataset.test if args.split == "test" else dataset.train
    if not 0 <= args.example < len(split):
        raise UsageError(f"--example {args.example}: choose 0..{len(split) - 1}")
    x = dataset.inputs(split, np.float64)
    y = split.y.T.astype(np.float64)
    i = args.example
    a = net.feedforward(x[:, i])
    terms, grad = cost_terms(a, y[:, i]), output_gradient(a, y[:, i])
    names = dataset.output_names or tuple(str(j) for j in range(len(a)))
    label = "" if split.labels is None else f" (label {int(split.labels[i])})"
    print(f"{args.split} example {i}{label}")
    print(f"{'j':>6}  {'a_j':>8}  {'y_j':>4}  {'1/2 (y_j - a_j)^2':>18}  {'a_j - y_j':>10}")
    for j, name in enumerate(names):
        print(f"{name:>6}  {a[j]:>8.5f}  {y[j, i]:>4g}  {terms[j]:>18.6f}  {grad[j]:>10.5f}")
    print(f"C_x = {terms.sum():.6f}")
    costs = per_example_costs(net, x, y)
    print(
        f"mean over the {len(split)} {args.split} examples: mean of C_x = {costs.mean():.10f}, "
        f"1/2n sum ||y - a||^2 = {net.cost(x, y):.10f}"
    )
    return 0
