"""The documentation covers what the project reads: every var in the configuration reference, every
document the README links to."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
INPUTS = ("customers", "transactions", "events", "coupon_redemptions")
# var('name' ...), number_var('name' ...) and the project's other typed var macros.
VAR_CALL = re.compile(r"\b\w*var\(\s*['\"]([a-z_]+)['\"]")


def vars_read_by_the_project() -> set[str]:
    names = set(yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"])
    sources = [REPO / "dbt_project.yml", *(REPO / "dbt_project").rglob("*.sql")]
    sources += [*(REPO / "dbt_project").rglob("*.yml"), *(REPO / "models_py").rglob("*.yml")]
    for source in sources:
        names |= set(VAR_CALL.findall(source.read_text()))
    # Each input's vars are read by name pattern (var(input_name ~ '_path')).
    suffixes = ("path", "relation", "row_order", "columns", "encoding")
    names |= {f"{name}_{suffix}" for name in INPUTS for suffix in suffixes}
    return names


def test_the_pattern_finds_the_vars_read_by_macros():
    found = vars_read_by_the_project()
    assert {"session_timeout_minutes", "cookbook_segment_id", "unit_tests", "retrain"} <= found
    assert len(found) >= 40


def test_every_var_is_in_the_configuration_reference():
    reference = (REPO / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"`([a-z_]+)`", reference))
    assert sorted(vars_read_by_the_project() - documented) == []


def test_every_document_the_readme_links_to_exists():
    readme = (REPO / "README.md").read_text()
    links = [link for link in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme) if "://" not in link]
    assert any(link.startswith("docs/") for link in links)
    missing = [link for link in links if not (REPO / link).exists()]
    assert missing == []
