"""End to end: report_customer_projection and report_projection_loadings in a built demo warehouse."""

import numpy as np
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score, silhouette_score

from tests.conftest import REPO

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(demo_warehouse_factory):
    warehouse, _ = demo_warehouse_factory(3)
    features = warehouse.query(
        """
        select feature from segment_model_features
        where is_model_feature and model_version = (select max(model_version) from segment_model_features)
        order by feature_position
        """
    )["feature"].tolist()
    z_columns = ", ".join(f"coalesce({feature}_z, 0) as {feature}" for feature in features)
    sample = warehouse.query(
        f"""
        select projection.*, customer_segments.segment_id as assigned_segment_id, {z_columns}
        from report_customer_projection as projection
        left join customer_segments using (customer_id)
        left join customer_features using (customer_id)
        order by projection.segment_id, projection.customer_id
        """
    )
    return warehouse, features, sample


def test_each_segment_holds_min_of_cap_and_its_size(built):
    warehouse, _, sample = built
    cap = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]["projection_customers_per_segment"]
    sizes = warehouse.query("select segment_id, count(*) as customers from customer_segments group by all")
    expected = {row.segment_id: min(cap, row.customers) for row in sizes.itertuples()}
    assert sample.groupby("segment_id").size().to_dict() == expected
    assert sample["customer_id"].is_unique
    # Every sampled customer is in customer_segments, in the same segment.
    assert (sample["assigned_segment_id"] == sample["segment_id"]).all()


def test_silhouette_and_ward_agreement_are_sklearns_on_the_same_rows(built):
    _, features, sample = built
    matrix = sample[features].to_numpy(dtype=float)
    overall = silhouette_score(matrix, sample["segment_id"])
    assert sample["silhouette"].mean() == pytest.approx(overall, abs=1e-9)
    assert sample["ward_adjusted_rand_index"].iloc[0] == pytest.approx(
        adjusted_rand_score(sample["segment_id"], sample["ward_segment_id"])
    )
    # The demo's segments are well apart: Ward's clusters of the sample agree with them.
    assert (sample["ward_segment_id"] == sample["segment_id"]).mean() > 0.9


def test_principal_components_use_every_customers_covariance(built):
    warehouse, features, sample = built
    everyone = warehouse.query(
        "select "
        + ", ".join(f"coalesce({feature}_z, 0) as {feature}" for feature in features)
        + " from customer_features"
    ).to_numpy(dtype=float)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(everyone, rowvar=False, bias=True))
    order = np.argsort(eigenvalues)[::-1][:2]
    axes = eigenvectors[:, order]
    axes *= np.sign(axes[np.abs(axes).argmax(axis=0), [0, 1]])
    expected = (sample[features].to_numpy(dtype=float) - everyone.mean(axis=0)) @ axes
    np.testing.assert_allclose(sample[["pc1", "pc2"]].to_numpy(), expected, atol=1e-6)
    shares = eigenvalues[order] / eigenvalues.sum()
    np.testing.assert_allclose(sample[["pc1_variance_share", "pc2_variance_share"]].iloc[0], shares)


def test_loadings_are_the_correlations_over_the_sample(built):
    warehouse, features, sample = built
    loadings = warehouse.query("select * from report_projection_loadings order by feature_position")
    assert loadings["feature"].tolist() == features
    for row in loadings.itertuples():
        assert row.pc1_correlation == pytest.approx(np.corrcoef(sample[row.feature], sample["pc1"])[0, 1])
        assert row.pc2_correlation == pytest.approx(np.corrcoef(sample[row.feature], sample["pc2"])[0, 1])


def test_a_model_of_a_single_feature_gets_its_map_and_loadings(tmp_path):
    """One model feature: pc2 is 0 for everyone, its loading NULL (not NaN), the t-SNE map finite."""
    from segwarehouse.demo_data import write_demo_customers
    from tests.conftest import build_warehouse

    customers, _ = write_demo_customers(tmp_path / "data", n_customers=2_000, n_personas=3)
    warehouse = build_warehouse(
        tmp_path, {"customers_path": str(customers), "model_features": ["total_purchases"]}
    )
    used = warehouse.query("select features_used from model_selection where is_selected")["features_used"]
    assert used.item() == "total_purchases"
    projection = warehouse.query("select * from report_customer_projection")
    assert (projection["pc2"] == 0).all()
    assert np.isfinite(projection[["pc1", "tsne_1", "tsne_2"]].to_numpy()).all()
    loadings = warehouse.query("select * from report_projection_loadings")
    assert loadings["feature"].tolist() == ["total_purchases"]
    assert loadings["pc1_correlation"].item() == pytest.approx(1.0)
    assert warehouse.query("select pc2_correlation is null as is_null from report_projection_loadings")[
        "is_null"
    ].all()
