"""The network canvas: neurons, edges by weight, the input grid, the example shown and the colour
key.
"""
