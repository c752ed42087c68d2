"""`nnviz baseline random|darkness|svm`: how well simple methods do, to compare networks with.

Prints ``N / TOTAL``: test images classified right out of the test set.
"""

from __future__ import annotations

import dataclasses
import math
import sys


def register(subparsers) -> None:
    from nnviz.core.baselines import BASELINES

    p = subparsers.add_parser(
        "baseline",
        help="score a simple non-neural classifier on the test set",
        description="Score a baseline classifier on the test images and print 'N / TOTAL'. "
        + " ".join(f"{name}: {text}" for name, text in BASELINES),
    )
    p.add_argument("method", choices=[name for name, _ in BASELINES], help="which baseline")
    p.add_argument(
        "--dataset",
        choices=["mnist", "digits"],
        help="data set (default: mnist if found, else an error saying how to get it)",
    )
    p.add_argument("--data-dir", metavar="DIR", help="the MNIST folder to use")
    p.add_argument(
        "--train-limit",
        type=int,
        metavar="N",
        help="train on the first N training images only (darkness, svm)",
    )
    p.add_argument(
        "--gamma",
        default="auto",
        metavar="GAMMA",
        help="svm: the RBF kernel's gamma: 'auto' (SVC's default when the book was written, "
        "so the result matches the book's: 9,434 here, 9,435 in the book), 'scale' "
        "(scikit-learn's default today: 9,785 here), or a number",
    )
    p.add_argument(
        "--seed", type=int, default=0, metavar="N", help="random: the seed of the guesses"
    )
    p.add_argument(
        "--no-cache", action="store_true", help="svm: recompute even if a result is cached"
    )
    p.set_defaults(func=run)


def _load(args):
    from pathlib import Path

    from nnviz.core.datasets.builtin import load_digits
    from nnviz.core.datasets.mnist import find_mnist, load_mnist, mnist_dir
    from nnviz.core.errors import DataError, UsageError

    if args.data_dir is not None and not Path(args.data_dir).expanduser().exists():
        raise UsageError(
            f"data directory {args.data_dir} does not exist; give the folder holding the MNIST "
            "files, or run `nnviz data download`"
        )
    name = args.dataset
    if name == "digits":
        return load_digits()
    if find_mnist(args.data_dir) is None:
        folder = mnist_dir(args.data_dir)
        raise UsageError(
            f"MNIST was not found in {folder}: run `nnviz data download`, or pass --data-dir "
            "DIR with the four MNIST files, or use --dataset digits"
        )
    try:
        return load_mnist(args.data_dir)
    except DataError as exc:
        raise UsageError(str(exc)) from None


def _gamma(text: str):
    from nnviz.core.errors import UsageError

    if text in ("scale", "auto"):
        return text
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value > 0 and math.isfinite(value)):
        raise UsageError(f"--gamma must be 'scale', 'auto' or a positive number, got {text!r}")
    return value


def run(args) -> int:
    from nnviz.core import baselines
    from nnviz.core.errors import DataError, UsageError

    if args.train_limit is not None and args.train_limit < 10:
        raise UsageError(
            f"--train-limit must be at least 10 (the SVM needs examples of several digits), "
            f"got {args.train_limit}"
        )
    if args.seed < 0:
        raise UsageError(f"--seed must be 0 or more, got {args.seed}")
    gamma = _gamma(args.gamma)
    dataset = _load(args)
    total = len(dataset.test)
    try:
        if args.method == "random":
            correct = baselines.random_baseline(dataset, seed=args.seed)
        elif args.method == "darkness":
            if args.train_limit is not None:
                dataset = dataclasses.replace(dataset, train=dataset.train.head(args.train_limit))
            correct = baselines.darkness_baseline(dataset)
        else:
            correct = _run_svm(dataset, args.train_limit, gamma, not args.no_cache)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    print(f"{correct} / {total}")
    return 0


def _run_svm(dataset, train_limit, gamma, use_cache: bool) -> int:
    import sklearn

    from nnviz.core import baselines

    n = min(train_limit or len(dataset.train), len(dataset.train))
    err = sys.stderr
    err.write(f"scikit-learn {sklearn.__version__}: SVC(kernel='rbf', C=1.0, gamma={gamma!r})\n")
    err.write(f"training on {n:,} {dataset.name} images, testing on {len(dataset.test):,}\n")
    cached = baselines.svm_cached_result(dataset, train_limit, gamma) if use_cache else None
    if cached is not None:
        err.write(f"using the cached result ({baselines.svm_cache_path()})\n")
        _say_other_gamma(dataset, train_limit, gamma)
        return cached
    seconds = baselines.svm_seconds_estimate(n, len(dataset.test), dataset.n_inputs)
    err.write(
        f"this takes about {_duration(seconds)} here (SVC shows no progress while fitting); "
        f"the result is then cached in {baselines.svm_cache_path()}\n"
    )

    def stage(name: str, message: str) -> None:
        err.write(f"  {message}\n")

    correct = baselines.svm_baseline(
        dataset, progress=stage, train_limit=train_limit, gamma=gamma, use_cache=False
    )
    _say_other_gamma(dataset, train_limit, gamma)
    return correct


def _say_other_gamma(dataset, train_limit, gamma) -> None:
    """Name the other default beside this one, so nobody wonders why the number differs
    from the book's (or from a fresh scikit-learn's)."""
    from nnviz.core import baselines

    if gamma not in (baselines.BOOK_GAMMA, baselines.TODAY_GAMMA):
        return
    other = baselines.TODAY_GAMMA if gamma == baselines.BOOK_GAMMA else baselines.BOOK_GAMMA
    this = {
        baselines.BOOK_GAMMA: "gamma='auto', SVC's default when the book was written",
        baselines.TODAY_GAMMA: "gamma='scale', scikit-learn's default today",
    }
    that = {
        baselines.BOOK_GAMMA: "the book's setting, gamma='auto'",
        baselines.TODAY_GAMMA: "scikit-learn's default today, gamma='scale'",
    }
    total = len(dataset.test)
    cached = baselines.svm_cached_result(dataset, train_limit, other)
    if cached is not None:
        result = f"{cached} / {total} (cached)"
    elif dataset.name == "mnist" and train_limit is None:
        result = f"{baselines.MEASURED_MNIST[other]:,} / 10,000 when measured here"
    else:
        result = "not run yet"
    sys.stderr.write(f"this was {this[gamma]}; {that[other]}: {result} (--gamma {other})\n")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"
