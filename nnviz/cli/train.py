"""`nnviz train`: the book's MNIST experiment from a terminal."""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import time

# The app's precision (RunSpec.dtype; a test keeps them equal): a seed gives the same lines
# in both. Not imported here: the command line starts without numpy.
DEFAULT_DTYPE = "float32"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train a network by mini-batch SGD and print one line per epoch",
        description="Train a sigmoid network by stochastic gradient descent, printing the "
        "book's 'Epoch N: correct / total' line after every epoch.",
    )
    p.add_argument(
        "--sizes",
        metavar="N,N,...",
        help="layer sizes from input to output, e.g. 784,30,10 (default: 784,30,10 for "
        "MNIST, 64,30,10 for the digits, or what a truth table needs)",
    )
    p.add_argument("--epochs", type=int, default=30, metavar="N", help="passes over the data")
    p.add_argument("--batch-size", type=int, default=10, metavar="M", help="mini-batch size m")
    p.add_argument("--eta", type=float, default=3.0, metavar="ETA", help="learning rate")
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="seed for the weights and the shuffling (default: a new one each run, printed "
        "so the run can be repeated)",
    )
    p.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default=DEFAULT_DTYPE,
        help="floating-point precision of the network (float32, the app's, is faster; "
        "float64 matches the book's code to more digits)",
    )
    p.add_argument(
        "--engine",
        choices=("auto", "numpy", "compiled"),
        default="auto",
        help="auto: the compiled SGD (numba) where it is installed and gains, else numpy; "
        "numpy gives the same numbers, bit for bit, as nnviz before the compiled engine "
        "(the engines differ in rounding only, so a seeded run's lines differ between them)",
    )
    p.add_argument(
        "--dataset",
        metavar="NAME",
        default=None,
        help="mnist, digits (built in, 8x8), or a truth table: and, or, nand, xor, "
        "half_adder, full_adder (default: mnist when it is downloaded, else digits)",
    )
    p.add_argument("--data-dir", metavar="DIR", help="folder with the four MNIST files")
    p.add_argument(
        "--train-limit", type=int, metavar="N", help="train on the first N examples only"
    )
    p.add_argument("--save", metavar="FILE", help="write the trained network to this .npz file")
    p.add_argument(
        "--record",
        metavar="FILE",
        help="record the run (snapshots and every epoch's numbers) to this .nnrec "
        "file for replay; Ctrl-C keeps what was recorded so far",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nnviz.core.datasets.catalog import load_dataset
    from nnviz.core.errors import DataError, UsageError
    from nnviz.core.files.network import save_network
    from nnviz.core.learning.diagnosis import diagnose_run
    from nnviz.core.learning.network import Network, parse_sizes
    from nnviz.core.learning.run import RunSpec
    from nnviz.core.learning.snapshot import CHUNK, DIVERGED, EPOCH, Snapshot
    from nnviz.core.learning.training import (
        TrainControl,
        check_compatible,
        train,
        training_split,
        uses_compiled,
    )

    if args.seed is None:  # a fresh seed, but a known one: the header prints it
        args.seed = secrets.randbelow(2**31)
    try:  # the run's values first, checked as the app checks them (data set and sizes later)
        spec = RunSpec(
            eta=args.eta,
            batch_size=args.batch_size,
            epochs=args.epochs,
            seed=args.seed,
            dtype=args.dtype,
            engine=args.engine,
        )
        config = spec.train_config(train_limit=args.train_limit)
        config.validate()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for option, value in (
        ("--sizes", args.sizes),
        ("--save", args.save),
        ("--record", args.record),
        ("--data-dir", args.data_dir),
    ):
        if value is not None and not str(value).strip():
            raise UsageError(f"{option} is empty; give a value or leave the option out")
    if args.data_dir is not None:
        from pathlib import Path

        if Path(args.data_dir).is_file():
            raise UsageError(
                f"--data-dir {args.data_dir} is a file; give the folder that holds "
                "the four MNIST files"
            )
        if not Path(args.data_dir).is_dir():
            raise UsageError(f"data directory {args.data_dir} does not exist")
    try:
        given_sizes = parse_sizes(args.sizes) if args.sizes is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.dataset is None:
        given_sizes = _choose_dataset(args, given_sizes)
    try:
        dataset = load_dataset(args.dataset, data_dir=args.data_dir)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    try:
        if given_sizes:
            sizes = given_sizes
        else:
            sizes = [dataset.n_inputs, 30 if dataset.n_inputs > 8 else 3, dataset.n_outputs]
        spec = spec.replace(dataset=dataset.name, sizes=tuple(sizes))
        net = Network(sizes, seed=args.seed, dtype=args.dtype)
        check_compatible(net, dataset)
        compiled = uses_compiled(net, training_split(dataset, config), config.engine)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    out = sys.stdout
    if dataset.extra.get("note"):
        print(f"# note: {dataset.extra['note']}", file=sys.stderr)
    n_train = (
        len(dataset.train)
        if args.train_limit is None
        else min(args.train_limit, len(dataset.train))
    )
    print(
        f"# {dataset.name}: sizes {sizes}, {n_train} training examples, "
        f"epochs {config.epochs}, mini-batch {config.batch_size}, eta {config.eta:g}, "
        f"seed {config.seed}, {args.dtype}, {'compiled' if compiled else 'numpy'} engine",
        file=sys.stderr,
    )
    # Before the first epoch, so a bad target never costs the trained network.
    params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    if args.save:
        _check_writable(args.save, "--save", params * (8 if args.dtype == "float64" else 4))
    if args.record:  # float16 weights; at most about 21 snapshots an epoch
        _check_writable(args.record, "--record", params * 2 * 21 * config.epochs)
    recorder = _start_recording(args, spec, net, n_train) if args.record else None
    control = TrainControl(config.eta)
    if recorder is not None:  # records then land on the evenly spaced snapshot points
        control.chunk = recorder.chunk_for(-(-n_train // config.batch_size))
    last_epoch, start = None, time.perf_counter()
    kept: list = []  # the records the diagnosis reads: the first chunk's and every epoch's
    interrupted = False
    previous = _sigterm_as_interrupt()
    try:
        for rec in train(net, dataset, config, control):
            if recorder is not None:
                recorder.add(
                    rec, Snapshot.capture(net, rec) if recorder.wants_snapshot(rec) else None
                )
            if rec.kind == EPOCH or (rec.kind == CHUNK and not kept):
                kept.append(rec)
            if rec.kind == EPOCH:
                last_epoch = rec
                extra = ""
                if rec.validation_correct is not None:
                    extra = f"  validation {rec.validation_correct} / {rec.validation_total}"
                print(
                    f"{rec.transcript_line()}  cost {rec.cost:.4f}{extra}  "
                    f"{time.perf_counter() - start:.1f} s",
                    file=out,
                    flush=True,
                )
            elif rec.kind == DIVERGED:
                print(rec.message, file=sys.stderr)
                return 1
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: keep the network trained so far
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
        if recorder is not None and last_epoch is None and interrupted:
            recorder.abort()  # not one epoch: an existing recording stays as it was
            print("# not recorded: stopped before the first epoch ended", file=sys.stderr)
        elif recorder is not None:  # also on Ctrl-C: keep what was recorded so far
            print(f"# recording saved to {recorder.close()}", file=sys.stderr)
    if last_epoch is not None:  # what the studio's banner would say of this run
        found = diagnose_run(net.weights, net.biases, dataset, kept)
        said = "none" if found is None else f"{found.kind}: {found.message}"
        print(f"# diagnosis: {said}", file=out, flush=True)
    if interrupted and last_epoch is None and args.save:
        # Nothing was trained: an existing network stays as it was.
        print(
            f"# not saved: stopped before the first epoch ended ({args.save} unchanged)",
            file=sys.stderr,
        )
    elif args.save:
        meta = {
            **spec.to_dict(),
            "epoch": None if last_epoch is None else last_epoch.epoch,
            "test_correct": None if last_epoch is None else last_epoch.test_correct,
        }
        path = save_network(args.save, net, meta)
        done = "" if not interrupted else " (interrupted: the network as trained so far)"
        print(f"# saved to {path}{done}", file=sys.stderr)
    if interrupted:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


def _sigterm_as_interrupt():
    """SIGTERM behaves like Ctrl-C (the run stops, what it made is kept); returns the old
    handler. Only the main thread may set handlers; elsewhere nothing changes."""

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (tests driving main() from a worker)
        return signal.getsignal(signal.SIGTERM)


def _check_writable(target: str, option: str, need_bytes: int) -> None:
    """UsageError now, not after training, if ``target`` cannot be written: a folder, a device
    or a FIFO, a name too long, a folder not writable or without room for ``need_bytes``.

    Missing folders are fine (they are made when the file is written).
    """
    from pathlib import Path

    from nnviz.core.errors import UsageError
    from nnviz.core.io.atomic import OutputError, check_output

    what = "the recording" if option == "--record" else "the network"
    path = Path(target).expanduser()
    if path.is_dir():
        example = "run.nnrec" if option == "--record" else "net.npz"
        raise UsageError(f"{option} {target} is a folder; give a file name like {example}")
    if not path.parent.exists():
        print(
            f"# {option}: the folder {path.parent} does not exist yet; it will be created",
            file=sys.stderr,
        )
    try:
        check_output(path, need_bytes)
    except OutputError as exc:
        raise UsageError(f"{option}: cannot write {what}: {exc}") from None


def _start_recording(args, spec, net, n_train):
    """A Recorder writing to ``args.record``, holding the untrained network as its first frame."""
    from nnviz.core.errors import UsageError
    from nnviz.core.files.recording import Recorder, RecordingWriter, make_header
    from nnviz.core.learning.snapshot import CHUNK, Progress, Snapshot

    header = make_header(
        spec,
        train_limit=args.train_limit,
        train_examples=n_train,
        source="nnviz train",
    )
    try:
        recorder = Recorder(RecordingWriter(args.record, header))
    except OSError as exc:
        raise UsageError(
            f"cannot write the recording {args.record}: {exc.strerror or exc}"
        ) from None
    batches = -(-n_train // spec.batch_size)
    start = Progress(CHUNK, 0, 0, batches, 0, float("nan"), spec.eta, 0.0)
    recorder.add(start, Snapshot.capture(net, start))
    return recorder


def _choose_dataset(args: argparse.Namespace, sizes: list[int] | None) -> list[int] | None:
    """No --dataset: MNIST when it is there (or --data-dir names it), else the 8x8 digits.

    Falling back says so in one line on stderr, and a network sized for MNIST (784 inputs)
    is given the digits' 64 inputs, so the README's first example runs on a fresh machine.
    """
    from nnviz.core.datasets.mnist import find_mnist

    if args.data_dir is not None or find_mnist() is not None:
        args.dataset = "mnist"
        return sizes
    args.dataset = "digits"
    if sizes and sizes[0] == 784:
        sizes = [64, *sizes[1:]]
    print(
        "# MNIST is not downloaded: training on the built-in 8x8 digits instead "
        "(`nnviz data download` fetches MNIST, about 11 MB)",
        file=sys.stderr,
    )
    return sizes
