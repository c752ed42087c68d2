"""Rules of docs/architecture.md that import-linter's contracts cannot state."""

import grimp


def test_no_module_imports_one_that_imports_it_back():
    """Function-level imports included: a cycle between two modules means their split is
    wrong (the core's packages are also layered in pyproject.toml)."""
    graph = grimp.build_graph("nnviz")
    cycles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("nnviz.")
        and module < imported  # each pair once
        and graph.chain_exists(importer=imported, imported=module)
    )
    assert cycles == []
