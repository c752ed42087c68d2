"""The book's symbols as the app writes them: one notation, with Unicode super- and subscripts.

``symbol("w", 2, 3, 7)`` is ``w²₃,₇`` (the book's w^2_{3,7}); ``symbol("a", "L", "j")`` is
``aᴸⱼ``. Plain text, so it reads the same in labels, tooltips, tables, plot axes and status
lines (a rich-text ``<sup>`` would show as markup in some of them). The command line keeps
ASCII (``w^2_3,7``), which every terminal shows and a shell can grep.
"""

from __future__ import annotations

_SUP = str.maketrans("0123456789-+Ll", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᴸˡ")
_SUB = str.maketrans("0123456789jk", "₀₁₂₃₄₅₆₇₈₉ⱼₖ")


def sup(x: object) -> str:
    """``x`` in superscript (digits, signs, L and l)."""
    return str(x).translate(_SUP)


def sub(x: object) -> str:
    """``x`` in subscript (digits, j and k)."""
    return str(x).translate(_SUB)


def symbol(letter: str, layer: object = None, *indices: object) -> str:
    """``letter`` with the layer as a superscript and the indices, comma-separated, below."""
    out = letter + ("" if layer is None else sup(layer))
    if indices:
        out += ",".join(sub(i) for i in indices)
    return out
