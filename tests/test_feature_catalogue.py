"""The feature catalogue is the one definition of every feature: the documentation generated from it is
current, and what Python reads from it is what dbt compiles."""

import pytest

from segwarehouse import feature_catalogue
from segwarehouse.cli import main


def test_every_entry_is_complete_and_unique():
    features = list(feature_catalogue.features())
    names = [feature.name for feature in features]
    assert len(names) == len(set(names))
    assert {"recency_days", "session_count", "coupon_discount_share", "total_purchases"} <= set(names)
    for feature in features:
        assert feature.label and feature.high_label and feature.low_label and feature.definition, feature
        if feature.input_name != "customers":
            assert feature.kind in {"behaviour", "ratio", "flag"}, feature
            assert feature.fill in {"zero", "median"}, feature


def test_generated_documentation_is_current():
    assert feature_catalogue.stale_files() == []
    assert main(["feature-docs", "--check"]) == 0


def test_check_names_a_stale_file_and_writing_fixes_it(tmp_path, monkeypatch, capsys):
    macro = tmp_path / "feature_catalogue.sql"
    macro.write_text(
        feature_catalogue.MACRO.read_text().replace(
            "definition: Accepted events.\n", "definition: Accepted events, counted.\n"
        )
    )
    generated = {
        "FEATURE_REFERENCE": tmp_path / "features.md",
        "DOCS_BLOCKS": tmp_path / "_feature_docs.md",
        "README": tmp_path / "README.md",
    }
    generated["README"].write_text(feature_catalogue.README.read_text())
    for name, path in generated.items():
        monkeypatch.setattr(feature_catalogue, name, path)
    monkeypatch.setattr(feature_catalogue, "MACRO", macro)
    stale = feature_catalogue.stale_files(macro)
    assert set(stale) == {generated["FEATURE_REFERENCE"], generated["DOCS_BLOCKS"]}
    assert feature_catalogue.write_generated_files(macro) == stale
    assert "Accepted events, counted." in generated["FEATURE_REFERENCE"].read_text()
    assert "{% docs feature_event_count %}\nAccepted events, counted.\n{% enddocs %}" in (
        generated["DOCS_BLOCKS"].read_text()
    )
    assert feature_catalogue.stale_files(macro) == []


def test_a_readme_without_the_markers_is_an_error():
    with pytest.raises(ValueError, match="features:start"):
        feature_catalogue.readme_with_list("# A README without the block\n")
