"""Toy cost landscapes and plain gradient descent on them (the ball rolling into the valley).

A :class:`Landscape` is a cost ``C(v)`` of one or two variables with its analytic gradient.
:class:`Descent` moves a ball by the book's law of motion ``Delta v = -eta nabla C``
(equation 10) and records, for every step, the first-order prediction of the change in cost
``nabla C . Delta v`` (equation 9) next to the true change ``C(v + Delta v) - C(v)``, so one
can watch the prediction hold for a small eta and fail for a large one.

Positions are numpy arrays of shape (dim,); ``cost`` and ``gradient`` broadcast over grids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# |v| beyond this counts as "blown up": far outside any landscape's plotted range, yet small
# enough that C stays a finite float (C grows like |v|^4 at most here, 1e6^4 = 1e24).
DIVERGE_LIMIT = 1e6
# A step this short means the ball has stopped (the gradient is numerically zero).
SETTLED_STEP = 1e-9


@dataclass(frozen=True)
class Landscape:
    """A cost of ``dim`` (1 or 2) variables.

    ``cost(*coords)`` and ``gradient(*coords)`` take one array per variable (any broadcastable
    shapes); ``gradient`` returns a tuple with one partial derivative per variable.
    ``extent`` is (v1_min, v1_max) or (v1_min, v1_max, v2_min, v2_max): the part worth plotting.
    """

    key: str
    name: str
    formula: str
    dim: int
    cost_fn: Callable[..., np.ndarray]
    gradient_fn: Callable[..., tuple[np.ndarray, ...]]
    extent: tuple[float, ...]
    start: tuple[float, ...]
    note: str = ""

    def cost(self, v: np.ndarray) -> float:
        """C at one position ``v`` of shape (dim,)."""
        v = np.asarray(v, dtype=np.float64)
        return float(self.cost_fn(*v))

    def gradient(self, v: np.ndarray) -> np.ndarray:
        """nabla C at one position, shape (dim,)."""
        v = np.asarray(v, dtype=np.float64)
        return np.array([float(g) for g in self.gradient_fn(*v)])

    def grid(self, n: int = 201) -> tuple[np.ndarray, ...]:
        """Cost sampled on a regular grid over ``extent``.

        1-D: ``(v, C)`` both (n,). 2-D: ``(v1, v2, C)`` with ``C[i, j] = C(v1[i], v2[j])``.
        """
        if self.dim == 1:
            v = np.linspace(self.extent[0], self.extent[1], n)
            return v, np.asarray(self.cost_fn(v), dtype=np.float64)
        v1 = np.linspace(self.extent[0], self.extent[1], n)
        v2 = np.linspace(self.extent[2], self.extent[3], n)
        c = self.cost_fn(v1[:, None], v2[None, :])
        return v1, v2, np.asarray(np.broadcast_to(c, (n, n)), dtype=np.float64)


# --- the landscapes --------------------------------------------------------------------------

# Rotated narrow valley: C = u^2 + 20 s^2 in coordinates (u, s) turned 30 degrees from (v1, v2).
_ANGLE = np.pi / 6
_COS, _SIN = np.cos(_ANGLE), np.sin(_ANGLE)
_STEEP = 20.0


def _rot_cost(v1, v2):
    u = _COS * v1 + _SIN * v2
    s = -_SIN * v1 + _COS * v2
    return u**2 + _STEEP * s**2


def _rot_grad(v1, v2):
    u = _COS * v1 + _SIN * v2
    s = -_SIN * v1 + _COS * v2
    du, ds = 2 * u, 2 * _STEEP * s
    # Chain rule back through the rotation (its transpose).
    return _COS * du - _SIN * ds, _SIN * du + _COS * ds


# Two dips: (v1^2 - 1)^2 has minima at v1 = +-1; the tilt 0.3 v1 makes the left one deeper.
def _two_cost(v1, v2):
    return (v1**2 - 1) ** 2 + 0.3 * v1 + v2**2


def _two_grad(v1, v2):
    return 4 * v1 * (v1**2 - 1) + 0.3, 2 * v2 + 0 * v1


LANDSCAPES: dict[str, Landscape] = {
    ls.key: ls
    for ls in (
        Landscape(
            "bowl",
            "Round bowl",
            "C = v1² + v2²",
            2,
            lambda v1, v2: v1**2 + v2**2,
            lambda v1, v2: (2 * v1 + 0 * v2, 2 * v2 + 0 * v1),
            (-2.0, 2.0, -2.0, 2.0),
            (-1.6, 1.2),
            "Every direction is equally steep: the gradient points straight at the bottom.",
        ),
        Landscape(
            "narrow",
            "Narrow valley",
            "C = v1² + 20 v2²",
            2,
            lambda v1, v2: v1**2 + _STEEP * v2**2,
            lambda v1, v2: (2 * v1 + 0 * v2, 2 * _STEEP * v2 + 0 * v1),
            (-2.0, 2.0, -1.0, 1.0),
            (-1.8, 0.6),
            "Steep across, shallow along: eta above 0.025 zig-zags, above 0.05 it blows up.",
        ),
        Landscape(
            "rotated",
            "Tilted narrow valley",
            "C = u² + 20 s², axes turned 30°",
            2,
            _rot_cost,
            _rot_grad,
            (-2.0, 2.0, -2.0, 2.0),
            (-1.5, 0.2),
            "The same narrow valley turned: the gradient points mostly across it, not along.",
        ),
        Landscape(
            "two_minima",
            "Two minima",
            "C = (v1² − 1)² + 0.3 v1 + v2²",
            2,
            _two_cost,
            _two_grad,
            (-2.0, 2.0, -1.5, 1.5),
            (0.4, 1.2),
            "Where the ball ends depends on where it starts: the right dip is only local.",
        ),
        Landscape(
            "parabola",
            "1-D: parabola",
            "C = v²",
            1,
            lambda v: v**2,
            lambda v: (2 * v,),
            (-2.0, 2.0),
            (1.7,),
            "One variable: eta below 0.5 slides in, 0.5..1 hops side to side, above 1 diverges.",
        ),
        Landscape(
            "double_well",
            "1-D: two dips",
            "C = v⁴ − 2v² + 0.5 v",
            1,
            lambda v: v**4 - 2 * v**2 + 0.5 * v,
            lambda v: (4 * v**3 - 4 * v + 0.5,),
            (-1.8, 1.8),
            (0.15,),
            "Start near the bump and watch which dip the ball rolls into.",
        ),
    )
}


# --- gradient descent ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One move of the ball. Arrays have shape (dim,).

    ``predicted_change`` is ``nabla C . Delta v`` (equation 9); ``actual_change`` is
    ``C(v_new) - C(v)``. ``diverged`` is set when ``v_new`` left every sensible range.
    """

    v: np.ndarray
    gradient: np.ndarray
    delta_v: np.ndarray
    v_new: np.ndarray
    cost: float
    cost_new: float
    predicted_change: float
    actual_change: float
    diverged: bool


def gradient_step(landscape: Landscape, v: np.ndarray, eta: float) -> Step:
    """Take one step ``v -> v - eta nabla C(v)`` and compare predicted with actual change."""
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        grad = landscape.gradient(v)
        delta_v = -eta * grad  # equation (10)
        v_new = v + delta_v
        c = landscape.cost(v)
        c_new = landscape.cost(v_new)
        predicted = float(grad @ delta_v)  # equation (9)
    diverged = not (np.all(np.isfinite(v_new)) and np.isfinite(c_new)) or bool(
        np.max(np.abs(v_new)) > DIVERGE_LIMIT
    )
    return Step(v, grad, delta_v, v_new, c, c_new, predicted, c_new - c, diverged)


class Descent:
    """A ball on a landscape: its start, the path so far and the steps taken.

    ``path`` is (n_steps + 1, dim) and holds only finite positions: a step that diverges is
    recorded in ``steps`` (with ``diverged`` set) but the ball stays where it was.
    """

    def __init__(self, landscape: Landscape, start: np.ndarray | None = None) -> None:
        self.landscape = landscape
        self.reset(start)

    def reset(self, start: np.ndarray | None = None) -> None:
        """Put the ball at ``start`` (default: the landscape's start) and clear the path."""
        v0 = self.landscape.start if start is None else start
        v0 = np.asarray(v0, dtype=np.float64).reshape(self.landscape.dim)
        self._path = [v0.copy()]
        self.steps: list[Step] = []
        self.diverged = False

    @property
    def position(self) -> np.ndarray:
        return self._path[-1].copy()

    @property
    def path(self) -> np.ndarray:
        return np.array(self._path)

    @property
    def settled(self) -> bool:
        """True when the last step was too short to matter: the ball sits at a minimum."""
        return bool(self.steps) and float(np.linalg.norm(self.steps[-1].delta_v)) < SETTLED_STEP

    def step(self, eta: float) -> Step | None:
        """Move once with learning rate ``eta``; returns the step, or None if already diverged."""
        if self.diverged:
            return None
        s = gradient_step(self.landscape, self._path[-1], eta)
        self.steps.append(s)
        if s.diverged:
            self.diverged = True
        else:
            self._path.append(s.v_new)
        return s

    def run(self, eta: float, n: int) -> int:
        """Up to ``n`` steps, stopping early on divergence; returns the number taken."""
        for i in range(n):
            if self.step(eta) is None:
                return i
            if self.diverged:
                return i + 1
        return n


# --- slices through a real network's cost ------------------------------------------------------

# (l, j, k): the weight network.weights[l][j, k], from neuron k of one layer to neuron j of the
# next (l is 0-based, the book's layer l + 2).
WeightIndex = tuple[int, int, int]


class SliceCancelled(Exception):
    """Raised by :func:`cost_slice` when ``should_stop`` returned True."""


def check_weight_index(network, index: WeightIndex) -> WeightIndex:
    """Validate ``(l, j, k)`` against the network's shapes; raise ValueError saying why."""
    l, j, k = (int(i) for i in index)
    if not 0 <= l < len(network.weights):
        raise ValueError(f"layer index {l} is outside 0..{len(network.weights) - 1}")
    rows, cols = network.weights[l].shape
    if not (0 <= j < rows and 0 <= k < cols):
        raise ValueError(f"weights[{l}] is {rows} x {cols}; ({j}, {k}) is outside it")
    return l, j, k


def cost_slice(
    network,
    x: np.ndarray,
    y: np.ndarray,
    w1: WeightIndex,
    w2: WeightIndex,
    offsets1: np.ndarray,
    offsets2: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    max_elements: int = 2_000_000,
) -> np.ndarray:
    """Mean quadratic cost with two weights moved, everything else held at its current value.

    ``x`` (n_0, m) inputs, ``y`` (n_L, m) desired outputs. Returns ``C`` of shape (n1, n2)
    where ``C[i1, i2]`` is the cost with ``weights[l1][j1, k1] += offsets1[i1]`` and
    ``weights[l2][j2, k2] += offsets2[i2]``. The network is not modified.

    Vectorised over grid points: the layers before the first moved weight are run once; from
    there a chunk of grid points is pushed through as one (points, neurons, examples) stack.
    Moving one weight only shifts one weighted input, ``z_j += offset * a_k``, which is how the
    offsets enter. ``progress(done, total)`` is called per chunk; ``should_stop()`` may cancel.
    """
    l1, j1, k1 = check_weight_index(network, w1)
    l2, j2, k2 = check_weight_index(network, w2)
    o1 = np.asarray(offsets1, dtype=np.float64).ravel()
    o2 = np.asarray(offsets2, dtype=np.float64).ravel()
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    m = x.shape[1]
    weights = [np.asarray(w, dtype=np.float64) for w in network.weights]
    biases = [np.asarray(b, dtype=np.float64) for b in network.biases]
    n_layers = len(weights)
    lo = min(l1, l2)

    a = x
    for l in range(lo):
        a = _sigmoid(weights[l] @ a + biases[l])
    z_lo = weights[lo] @ a + biases[lo]  # (n_{lo+1}, m), shared by every grid point

    total = o1.size * o2.size
    d1_all = np.repeat(o1, o2.size)  # grid point p = i1 * n2 + i2
    d2_all = np.tile(o2, o1.size)
    widest = max(network.sizes[lo + 1 :])
    chunk = max(1, max_elements // (widest * m))
    out = np.empty(total)
    moves = ((l1, j1, k1, d1_all), (l2, j2, k2, d2_all))
    for s in range(0, total, chunk):
        if should_stop is not None and should_stop():
            raise SliceCancelled
        e = min(total, s + chunk)
        z = np.repeat(z_lo[None], e - s, axis=0)  # (g, n, m)
        for l, j, k, d in moves:
            if l == lo:
                z[:, j, :] += d[s:e, None] * a[k][None, :]
        act = _sigmoid(z)
        for l in range(lo + 1, n_layers):
            z = np.matmul(weights[l], act) + biases[l]
            for ml, j, k, d in moves:
                if ml == l:
                    z[:, j, :] += d[s:e, None] * act[:, k, :]
            act = _sigmoid(z)
        out[s:e] = 0.5 * np.sum((act - y) ** 2, axis=(1, 2)) / m
        if progress is not None:
            progress(e, total)
    return out.reshape(o1.size, o2.size)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Same overflow-free form as nnviz.core.learning.neuron.sigmoid, kept local to stay in float64.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def largest_gradient_weights(network, x: np.ndarray, y: np.ndarray, count: int = 2) -> list:
    """The ``count`` weights (l, j, k) whose cost gradient is largest in size on (x, y)."""
    _, nabla_w = network.backprop(x, y)
    flat = np.concatenate([np.abs(g).ravel() for g in nabla_w])
    order = np.argsort(flat, kind="stable")[::-1][:count]
    starts = np.cumsum([0] + [g.size for g in nabla_w])
    found = []
    for idx in order:
        l = int(np.searchsorted(starts, idx, side="right") - 1)
        j, k = np.unravel_index(int(idx - starts[l]), nabla_w[l].shape)
        found.append((l, int(j), int(k)))
    return found


def weight_path(snapshots, w1: WeightIndex, w2: WeightIndex) -> np.ndarray:
    """(n, 2) values of two weights across snapshots (anything with a ``weights`` sequence).

    Snapshots whose shapes do not hold both indices (another architecture) are skipped.
    """
    pts = []
    for snap in snapshots:
        ws = snap.weights
        try:
            pts.append((float(ws[w1[0]][w1[1], w1[2]]), float(ws[w2[0]][w2[1], w2[2]])))
        except IndexError:
            continue
    return np.array(pts, dtype=np.float64).reshape(-1, 2)
