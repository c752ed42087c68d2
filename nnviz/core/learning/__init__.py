"""Networks and how they learn: sigmoid neurons, the network, SGD, the training process and its
snapshots.
"""
