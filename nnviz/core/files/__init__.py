"""nnviz's own file formats: network .npz, recording .nnrec, session .nnviz, lecture deck
.nnvizdeck, and video writing. They build on the domain packages and on ``nnviz.core.io``.
"""
