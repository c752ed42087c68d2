"""nnviz's own file formats (network .npz, recording .nnrec, session .nnviz) and the atomic write
they share.
"""
