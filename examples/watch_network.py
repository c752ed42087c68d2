"""Train a network written in the style of the book's network.py, watched by nnviz.

Run it as a script:

    python examples/watch_network.py            # MNIST if nnviz has it, else 8x8 digits
    python examples/watch_network.py --epochs 3 --record run.nnrec

The `Network` class below is a plain, per-example implementation of stochastic gradient
descent with backpropagation, shaped as the book's: `sizes`, `weights[l]` of shape
(n_{l+1}, n_l), `biases[l]` of shape (n_{l+1}, 1), `SGD`, `update_mini_batch`, `evaluate`.
nnviz does not need this class: `nnviz.watch(net)` works on your own network.py the same way.
"""

from __future__ import annotations

import argparse
import random

import numpy as np


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigma_prime(z):
    s = sigma(z)
    return s * (1.0 - s)


class Network:
    """A feedforward network of sigmoid neurons trained by mini-batch SGD."""

    def __init__(self, sizes):
        self.sizes = list(sizes)
        self.num_layers = len(self.sizes)
        # Gaussian starting values, mean 0 and variance 1, as chapter 1 starts them.
        # (numpy's global generator, as the book's code uses it: np.random.seed repeats a run)
        randn = np.random.randn  # noqa: NPY002
        self.biases = [randn(n, 1) for n in self.sizes[1:]]
        self.weights = [randn(n_out, n_in) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]

    def feedforward(self, a):
        for w, b in zip(self.weights, self.biases):
            a = sigma(w @ a + b)
        return a

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None):  # noqa: N802
        """Shuffle, cut into mini-batches, take one gradient step per mini-batch; after each
        epoch report the test accuracy if test data is given."""
        training_data = list(training_data)
        test_data = list(test_data) if test_data is not None else None
        for epoch in range(epochs):
            random.shuffle(training_data)
            for start in range(0, len(training_data), mini_batch_size):
                self.update_mini_batch(training_data[start : start + mini_batch_size], eta)
            if test_data is not None:
                print(f"Epoch {epoch}: {self.evaluate(test_data)} / {len(test_data)}")
            else:
                print(f"Epoch {epoch} complete")

    def update_mini_batch(self, mini_batch, eta):
        """Average the gradients of the examples in ``mini_batch`` and step against them."""
        grad_w = [np.zeros_like(w) for w in self.weights]
        grad_b = [np.zeros_like(b) for b in self.biases]
        for x, y in mini_batch:
            dw, db = self.backprop(x, y)
            for total, part in zip(grad_w, dw):
                total += part
            for total, part in zip(grad_b, db):
                total += part
        step = eta / len(mini_batch)
        self.weights = [w - step * g for w, g in zip(self.weights, grad_w)]
        self.biases = [b - step * g for b, g in zip(self.biases, grad_b)]

    def backprop(self, x, y):
        """The gradient of the quadratic cost for one example, layer by layer (BP1 to BP4)."""
        activations, zs = [x], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activations[-1] + b)
            activations.append(sigma(zs[-1]))
        delta = (activations[-1] - y) * sigma_prime(zs[-1])
        dw = [None] * len(self.weights)
        db = [None] * len(self.biases)
        for layer in range(len(self.weights) - 1, -1, -1):
            if layer < len(self.weights) - 1:
                delta = (self.weights[layer + 1].T @ delta) * sigma_prime(zs[layer])
            dw[layer] = delta @ activations[layer].T
            db[layer] = delta
        return dw, db

    def evaluate(self, test_data):
        """How many test inputs the most active output neuron gets right."""
        return sum(int(np.argmax(self.feedforward(x)) == y) for x, y in test_data)


def book_data(limit=None, test_limit=None, name=None):
    """(training_data, test_data) in the book's shapes: lists of (x, one-hot y) and (x, label),
    x a column of pixel values in [0, 1]. The data set ``name`` ("mnist" or "digits"); by
    default MNIST when nnviz finds it, else the 8x8 digits."""
    from nnviz.core.datasets.catalog import load_dataset
    from nnviz.core.datasets.mnist import find_mnist

    if name is None:
        name = "mnist" if find_mnist() is not None else "digits"
    ds = load_dataset(name)
    n_out = ds.n_outputs

    def column(row):
        return (row.astype(np.float64) * ds.scale).reshape(-1, 1)

    def one_hot(label):
        y = np.zeros((n_out, 1))
        y[int(label)] = 1.0
        return y

    train = ds.train if limit is None else ds.train.head(limit)
    test = ds.test if test_limit is None else ds.test.head(test_limit)
    training_data = [(column(x), one_hot(lab)) for x, lab in zip(train.x, train.labels)]
    test_data = [(column(x), int(lab)) for x, lab in zip(test.x, test.labels)]
    return training_data, test_data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--hidden", type=int, default=30)
    parser.add_argument("--eta", type=float, default=3.0)
    parser.add_argument("--record", help="also write an nnviz recording (.nnrec) of the run")
    args = parser.parse_args()

    import nnviz

    training_data, test_data = book_data()
    net = Network([len(training_data[0][0]), args.hidden, len(training_data[0][1])])
    nnviz.watch(net, record=args.record, title="examples/watch_network.py")
    net.SGD(training_data, args.epochs, 10, args.eta, test_data=test_data)


if __name__ == "__main__":
    main()
