"""The studio's diagnosis, on synthetic cost and activation histories."""

from nnviz.core.learning.diagnosis import diagnose, stalled, swings

STALLED = [0.70, 0.78, 0.781, 0.784, 0.786]  # the last three epochs gained 0.6 points


def test_learning_runs_get_no_banner():
    assert diagnose([0.5, 0.1, 0.05], [0.9], chance=0.1, eta=3.0) is None
    assert diagnose([0.5], [0.1], chance=0.1, eta=3.0) is None  # too early to tell


def test_small_steps_are_called_small_even_with_saturated_sigmoids():
    # eta = 0.001 on MNIST: N(0, 1) weights saturate many sigmoids from the start, and the
    # cost creeps down. The old banner blamed large steps; the steps are too small.
    d = diagnose([0.60, 0.595, 0.59], [0.12], chance=0.1, eta=0.001, saturated=0.3)
    assert d.kind == "too_small" and "larger" in d.message
    # the book's eta = 0.001 run: the cost halves in two epochs, accuracy stays near chance
    d = diagnose([1.60, 0.79], [0.07], chance=0.1, eta=0.001, saturated=0.2)
    assert d.kind == "too_small" and "larger" in d.message
    d = diagnose([0.60, 0.599], [0.11], chance=0.1, eta=0.001, saturated=0.8)
    assert d.kind == "too_small" and "smaller" not in d.message
    # a saturated start with ordinary steps: not the steps' fault
    d = diagnose([0.60, 0.599], [0.11], chance=0.1, eta=1.0, saturated=0.8)
    assert d.kind == "saturated" and "larger" in d.message and "smaller" not in d.message


def test_large_steps_rising_oscillating_or_saturating():
    assert diagnose([0.4, 0.45, 0.5], [0.1], chance=0.1, eta=100).kind == "too_large"
    assert diagnose([0.4, 0.3, 0.38, 0.31], [0.15], chance=0.1, eta=50).kind == "too_large"
    d = diagnose([0.45, 0.45], [0.11], chance=0.1, eta=100, saturated=0.94)
    assert d.kind == "saturated" and "smaller" in d.message


def test_dead_outputs_are_named_even_when_accuracy_looks_fine():
    peaks = [0.9] * 10
    peaks[3] = peaks[7] = 0.02
    d = diagnose([0.3, 0.1], STALLED, chance=0.1, eta=3.0, output_peaks=peaks)
    assert d.kind == "dead_outputs" and "3, 7" in d.message and "seed" in d.message
    assert diagnose([0.3, 0.1], [0.95], chance=0.1, eta=3.0, output_peaks=peaks) is None


def test_a_class_never_predicted_is_named_from_recall_alone():
    # The output neuron fires a little (peak above 0.1) yet never wins: 0 recall for digit 5.
    recalls = [0.95] * 10
    recalls[5] = 0.0
    d = diagnose([0.3, 0.12], STALLED, chance=0.1, eta=3.0, recalls=recalls)
    assert d.kind == "dead_outputs"
    assert "Class 5 never gets predicted" in d.message and "another seed" in d.message
    # every class recalled: nothing to say
    assert diagnose([0.3, 0.12], STALLED, 0.1, 3.0, recalls=[0.86] * 10) is None
    # both signs together: the silent neurons are named as neurons
    peaks = [0.9] * 10
    peaks[5] = 0.01
    d = diagnose([0.3, 0.12], STALLED, 0.1, 3.0, output_peaks=peaks, recalls=recalls)
    assert "Output neuron 5 never fires" in d.message


def test_stalled_means_no_gain_for_three_epochs():
    assert not stalled([0.83, 0.85, 0.86])  # too early to call it
    assert not stalled([0.83, 0.85, 0.86, 0.945])  # the [784, 100, 10] seed-0 climb
    assert stalled([0.558, 0.56, 0.559, 0.565])
    assert not stalled([0.50, 0.56, 0.559, 0.575])  # still gaining 1.5 points


def test_dead_outputs_wait_until_accuracy_stops_climbing():
    peaks = [0.9] * 10
    peaks[3] = 0.02
    climbing = [0.83, 0.85, 0.86, 0.87]  # each epoch better than the last
    assert diagnose([0.3, 0.2, 0.15, 0.12, 0.1], climbing, 0.1, 3.0, output_peaks=peaks) is None
    d = diagnose([0.3, 0.2, 0.15, 0.12, 0.1], STALLED, 0.1, 3.0, output_peaks=peaks)
    assert d is not None and d.kind == "dead_outputs"


def test_a_flat_cost_is_saturation_not_oscillation():
    # The real eta = 100 run: the cost's last digits wobble around 0.5, every sigmoid is
    # pinned. The old rule counted the wobble's turns and said the steps overshoot.
    costs = [0.50041, 0.5, 0.5, 0.50005, 0.5, 0.500001, 0.5]
    assert swings(costs) == 0
    d = diagnose(costs, [0.0958] * 6, 0.1, 100.0, saturated=0.97)
    assert d.kind == "saturated" and "flat" in d.message and "smaller" in d.message
    # a cost that really rises and falls, by a tenth each time, is oscillation
    assert swings([0.4, 0.3, 0.38, 0.31]) == 2
    d = diagnose([0.4, 0.3, 0.38, 0.31], [0.12] * 3, 0.1, 50.0, saturated=0.97)
    assert d.kind == "too_large" and "up and down" in d.message
