"""Every public name listed in analysis._EXPORTS resolves to a callable or class."""

import analysis


def test_every_export_resolves():
    for name in analysis.__all__:
        if name != "__version__":
            assert callable(getattr(analysis, name)), name


def test_annotate_attribute_is_the_function_even_after_module_import():
    from analysis.annotate import TOKEN_COLUMNS  # noqa: F401  (imports the module)

    assert callable(analysis.annotate) and analysis.annotate.__name__ == "annotate"
