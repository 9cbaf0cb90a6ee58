"""Citations as titled links: every id a recommendation rests on, with a title a shopper can read."""

from __future__ import annotations

from domain.decision.citations import cited_sources


def test_chart_rows_rules_and_guides_get_titles_and_the_web_sources_their_addresses() -> None:
    sources = cited_sources(
        [
            "chart:sprintara:uk-7",
            "chart-source:pakka curated: a sample chart",
            "fit:toe-allowance",
            "ingredient:niacinamide",
            "skin-rule:retinoids",
            "article:how-to-measure-foot",
            "unknown:thing",
        ],
        [{"source_id": "article:how-to-measure-foot", "title": "How to measure your foot at home"}],
    )

    titles = {source.id: source.title for source in sources}
    assert titles["chart:sprintara:uk-7"] == "Sprintara footwear, size UK 7"
    assert titles["article:how-to-measure-foot"] == "How to measure your foot at home"
    assert titles["ingredient:niacinamide"].startswith("Niacinamide")
    assert "chart-source:pakka curated: a sample chart" not in titles and "unknown:thing" not in titles
    allowance = [source for source in sources if source.id == "fit:toe-allowance"]
    assert len(allowance) == 3 and all(source.url and source.url.startswith("http") for source in allowance)
    retinoids = [source for source in sources if source.id == "skin-rule:retinoids"]
    assert retinoids and all(source.url for source in retinoids)
    prefixes = ("chart:", "fit:", "ingredient:", "skin-rule:", "article:")
    assert not any(source.title.startswith(prefixes) for source in sources)  # no raw ids as titles


def test_each_source_is_listed_once() -> None:
    sources = cited_sources(["chart:sprintara:uk-7", "chart:sprintara:uk-7", "fit:toe-allowance"] * 2)

    assert len(sources) == len({(source.title, source.url) for source in sources}) == 4


def test_a_guide_titles_its_own_id_whatever_was_titled_for_that_id_before() -> None:
    """Packaged sources are titled once per process; a guide passed in still names its own id."""
    before = cited_sources(["chart:sprintara:uk-7", "article:sizing"])
    guided = cited_sources(
        ["chart:sprintara:uk-7", "article:sizing"], [{"source_id": "article:sizing", "title": "Sizing guide"}]
    )
    after = cited_sources(["chart:sprintara:uk-7", "article:sizing"])

    assert [source.title for source in before] == [source.title for source in after]
    assert [source.title for source in before] == ["Sprintara footwear, size UK 7"]
    assert [source.title for source in guided] == ["Sprintara footwear, size UK 7", "Sizing guide"]
