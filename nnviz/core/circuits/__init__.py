"""NAND circuits: the model and its evaluation, the levels, and the compilation to perceptrons."""
