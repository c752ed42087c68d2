"""Views that look inside a trained network: weights, costs, gradients."""
