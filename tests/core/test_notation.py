from nnviz.core.notation import sub, sup, symbol


def test_symbols_use_super_and_subscripts():
    assert symbol("w", 2, 3, 7) == "w²₃,₇"
    assert symbol("b", 3, 12) == "b³₁₂"
    assert symbol("a", "L", "j") == "aᴸⱼ"
    assert symbol("w", 10) == "w¹⁰"
    assert sup("-1") == "⁻¹" and sub("jk") == "ⱼₖ"
