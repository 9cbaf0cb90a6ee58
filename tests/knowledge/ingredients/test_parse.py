"""parse_ingredient_list: messy printed INCI lists become clean names in label order."""

from __future__ import annotations

from knowledge.ingredients import parse_ingredient_list


def test_label_prefix_case_and_trailing_dots_are_cleaned() -> None:
    parsed = parse_ingredient_list("INGREDIENTS: Aqua, GLYCERIN, Alcohol Denat.")
    assert [item.name for item in parsed] == ["aqua", "glycerin", "alcohol denat"]
    assert [item.position for item in parsed] == [0, 1, 2]


def test_percentages_and_marks_are_dropped() -> None:
    parsed = parse_ingredient_list("Niacinamide 10%, Zinc PCA (1%), Aloe Barbadensis Leaf Juice*")
    assert [item.name for item in parsed] == ["niacinamide", "zinc pca", "aloe barbadensis leaf juice"]


def test_parenthesised_names_become_aliases_and_inner_commas_do_not_split() -> None:
    parsed = parse_ingredient_list("Tremella Fuciformis (Mushroom) Extract, Tocopherol (Vitamin E, natural)")
    assert parsed[0].name == "tremella fuciformis extract"
    assert parsed[0].aliases == ["mushroom"]
    assert parsed[1].name == "tocopherol"
    assert parsed[1].aliases == ["vitamin e, natural"]
    assert len(parsed) == 2


def test_may_contain_section_is_kept_but_marked() -> None:
    parsed = parse_ingredient_list("Mica, Talc. May Contain (+/-): CI 77491 (Iron Oxides), CI 77891.")
    assert [(item.name, item.may_contain) for item in parsed] == [
        ("mica", False),
        ("talc", False),
        ("ci 77491", True),
        ("ci 77891", True),
    ]


def test_plus_minus_marker_alone_starts_the_optional_section() -> None:
    parsed = parse_ingredient_list("Dimethicone, Silica [+/- CI 77891, CI 77492]")
    assert [item.may_contain for item in parsed] == [False, False, True, True]


def test_an_already_split_list_and_an_empty_list() -> None:
    assert [item.name for item in parse_ingredient_list(["Aqua ", " Glycerin.", ""])] == ["aqua", "glycerin"]
    assert parse_ingredient_list("") == []
    assert parse_ingredient_list("  ,  ; ") == []
