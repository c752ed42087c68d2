"""The data sets nnviz trains on: MNIST (read and downloaded), the built-in 8x8 digits and truth
tables, and the preprocessing of drawn digits.
"""
