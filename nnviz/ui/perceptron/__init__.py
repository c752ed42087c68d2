"""The perceptron lab: weights, bias, truth table, decision line and the sigmoid neuron."""
