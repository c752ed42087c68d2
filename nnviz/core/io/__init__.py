"""Low-level file helpers that every core package may use: the atomic write and the bounded,
type-checked readers. Nothing here knows a file format; the formats are in ``nnviz.core.files``.
"""
