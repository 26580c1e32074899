import pytest

from zhaoshang.cockpit import panels


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {page: [] for page in panels.PAGES})


def test_panels_come_in_order_and_none_leaves_one_out(clean_registry):
    panels.register(
        "cockpit", "b.html", context=lambda request, **kw: {"year": kw["filters"]}, order=20
    )
    panels.register("cockpit", "a.html", order=10)
    panels.register("cockpit", "hidden.html", context=lambda request, **kw: None)
    panels.register("cockpit", "a.html", order=10)  # registering twice adds nothing
    assert panels.panels_for("cockpit", None, filters=2024) == [
        {"template": "a.html", "context": {}},
        {"template": "b.html", "context": {"year": 2024}},
    ]


def test_panels_refuse_an_unknown_page(clean_registry):
    with pytest.raises(ValueError, match="unknown page 'dashboard'"):
        panels.register("dashboard", "x.html")
