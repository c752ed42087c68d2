"""The studio's diagnosis, on synthetic cost and activation histories."""

from nnviz.core.learning.diagnosis import diagnose


def test_learning_runs_get_no_banner():
    assert diagnose([0.5, 0.1, 0.05], accuracy=0.9, chance=0.1, eta=3.0) is None
    assert diagnose([0.5], accuracy=0.1, chance=0.1, eta=3.0) is None  # too early to tell


def test_small_steps_are_called_small_even_with_saturated_sigmoids():
    # eta = 0.001 on MNIST: N(0, 1) weights saturate many sigmoids from the start, and the
    # cost creeps down. The old banner blamed large steps; the steps are too small.
    d = diagnose([0.60, 0.595, 0.59], accuracy=0.12, chance=0.1, eta=0.001, saturated=0.3)
    assert d.kind == "too_small" and "larger" in d.message
    # the book's eta = 0.001 run: the cost halves in two epochs, accuracy stays near chance
    d = diagnose([1.60, 0.79], accuracy=0.07, chance=0.1, eta=0.001, saturated=0.2)
    assert d.kind == "too_small" and "larger" in d.message
    d = diagnose([0.60, 0.599], accuracy=0.11, chance=0.1, eta=0.001, saturated=0.8)
    assert d.kind == "too_small" and "smaller" not in d.message
    # a saturated start with ordinary steps: not the steps' fault
    d = diagnose([0.60, 0.599], accuracy=0.11, chance=0.1, eta=1.0, saturated=0.8)
    assert d.kind == "saturated" and "larger" in d.message and "smaller" not in d.message


def test_large_steps_rising_oscillating_or_saturating():
    assert diagnose([0.4, 0.45, 0.5], accuracy=0.1, chance=0.1, eta=100).kind == "too_large"
    assert diagnose([0.4, 0.3, 0.38, 0.31], accuracy=0.15, chance=0.1, eta=50).kind == "too_large"
    d = diagnose([0.45, 0.45], accuracy=0.11, chance=0.1, eta=100, saturated=0.94)
    assert d.kind == "saturated" and "smaller" in d.message


def test_dead_outputs_are_named_even_when_accuracy_looks_fine():
    peaks = [0.9] * 10
    peaks[3] = peaks[7] = 0.02
    d = diagnose([0.3, 0.1], accuracy=0.78, chance=0.1, eta=3.0, output_peaks=peaks)
    assert d.kind == "dead_outputs" and "3, 7" in d.message and "seed" in d.message
    assert diagnose([0.3, 0.1], accuracy=0.95, chance=0.1, eta=3.0, output_peaks=peaks) is None


def test_a_class_never_predicted_is_named_from_recall_alone():
    # The output neuron fires a little (peak above 0.1) yet never wins: 0 recall for digit 5.
    recalls = [0.95] * 10
    recalls[5] = 0.0
    d = diagnose([0.3, 0.12], accuracy=0.86, chance=0.1, eta=3.0, recalls=recalls)
    assert d.kind == "dead_outputs"
    assert "Class 5 never gets predicted" in d.message and "another seed" in d.message
    # every class recalled: nothing to say
    assert diagnose([0.3, 0.12], 0.86, 0.1, 3.0, recalls=[0.86] * 10) is None
    # both signs together: the silent neurons are named as neurons
    peaks = [0.9] * 10
    peaks[5] = 0.01
    d = diagnose([0.3, 0.12], 0.86, 0.1, 3.0, output_peaks=peaks, recalls=recalls)
    assert "Output neuron 5 never fires" in d.message
