"""Views that look inside a trained network: weights, costs, gradients, and what it gets right.

Widgets that take the current network and data set through
``set_network(network: Network | None, dataset: Dataset | None)`` and show a hint without one:

- ``draw_digit.DrawDigitView``: draw a digit; see the MNIST-style input and the live answer.
- ``errors_view.ErrorsView``: confusion matrix, per-digit accuracy, gallery of mistakes.
- ``binary_output.BinaryOutputView``: the 4-output (binary code) exercise, checked on test data.
- ``baselines_view.BaselinesView``: random / darkness / SVM beside the network; emits
  ``baseline_computed(name, percent)``; call ``shutdown()`` when the window closes.

Modules are not imported here, so importing one view does not load the others.
"""
