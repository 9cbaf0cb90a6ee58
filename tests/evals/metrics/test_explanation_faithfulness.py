"""An explanation is faithful when every number and citation it states is in its evidence; made-up ones are
flagged."""

from __future__ import annotations

from datetime import date

from evals.metrics.explanation_faithfulness import Evidence, Sale, check_explanation

SHOE = "Sprintara Tempo Men's Training Shoes - Black"
FIT = (
    "We picked Sprintara Tempo Men's Training Shoes - Black in size UK 7 at ₹2,499 with 96% confidence "
    "that it suits you. Why: size UK 7 fits feet of 256-267 mm (it leaves 8.5-19 mm of room in front of the "
    "toes), and your foot measures 262 mm, give or take 1.5 mm: 99% likely to fit."
)


def shoe_evidence() -> Evidence:
    evidence = Evidence()
    evidence.name(SHOE)
    evidence.size("UK 7", "recommendation size")
    evidence.money(2499, "INR", "price")
    evidence.share(0.9589, "confidence")
    evidence.share(0.9991, "fit probability")
    for value in (256.0, 267.0, 262.0, 1.5, 8.5, 19.0):
        evidence.length_mm(value, "chart row / foot")
    evidence.citations |= {"chart:sprintara:uk-7", "fit:toe-allowance"}
    return evidence


def test_an_explanation_built_from_its_evidence_is_fully_faithful() -> None:
    check = check_explanation(FIT, shoe_evidence())

    assert check.numbers_found == 11  # both mentions of UK 7 count
    assert check.numbers_supported == 11
    assert check.fully_faithful


def test_a_made_up_number_is_flagged() -> None:
    check = check_explanation(FIT.replace("262 mm", "271 mm"), shoe_evidence())

    assert check.unsupported == ("271 mm",)
    assert check.numbers_supported == check.numbers_found - 1
    assert not check.fully_faithful


def test_a_number_off_by_one_shown_unit_is_flagged_but_rounding_is_not() -> None:
    assert check_explanation("97% confidence", shoe_evidence()).unsupported == ("97%",)  # 0.9589 -> 96%
    assert check_explanation("96% confidence", shoe_evidence()).fully_faithful
    assert check_explanation("0.96 confidence", shoe_evidence()).fully_faithful
    assert check_explanation("₹2,500", shoe_evidence()).unsupported == ("₹2,500",)


def test_a_clamped_probability_is_supported() -> None:
    assert check_explanation(
        "99% likely to fit", shoe_evidence()
    ).fully_faithful  # 0.9991 shown as at most 99%


def test_a_size_must_match_exactly_and_in_its_system() -> None:
    assert check_explanation("size UK 7", shoe_evidence()).fully_faithful
    assert check_explanation("size UK 7.5", shoe_evidence()).unsupported == ("UK 7.5",)
    assert check_explanation("size EU 7", shoe_evidence()).unsupported == ("EU 7",)


def test_a_number_of_the_right_value_but_the_wrong_kind_is_flagged() -> None:
    assert check_explanation("costs ₹262", shoe_evidence()).unsupported == ("₹262",)
    assert check_explanation("costs $2,499", shoe_evidence()).unsupported == ("$2,499",)
    assert check_explanation("2499 mm long", shoe_evidence()).unsupported == ("2499 mm",)


def test_digits_of_a_known_name_are_not_claims() -> None:
    evidence = Evidence()
    evidence.name("Neem & Dew 2% Salicylic Acid Foaming Cleanser 50ml")

    check = check_explanation(
        "We picked Neem & Dew 2% Salicylic Acid Foaming Cleanser 50ml for you.", evidence
    )

    assert (check.numbers_found, check.fully_faithful) == (0, True)


def test_a_name_with_a_changed_number_is_not_masked() -> None:
    evidence = Evidence()
    evidence.name("Neem & Dew 2% Salicylic Acid Foaming Cleanser 50ml")

    check = check_explanation("Neem & Dew 5% Salicylic Acid Foaming Cleanser 50ml", evidence)

    assert check.unsupported == ("5%", "50ml")


def test_cited_source_ids_must_be_among_the_answers_citations() -> None:
    check = check_explanation("See chart:sprintara:uk-7 and chart:kadam-footworks:uk-9.", shoe_evidence())

    assert (check.citations_found, check.citations_supported) == (2, 1)
    assert check.unsupported == ("chart:kadam-footworks:uk-9",)


def test_a_quoted_guide_title_must_be_a_cited_sources_title() -> None:
    evidence = shoe_evidence()
    evidence.titles.add("how to measure your feet")

    assert check_explanation('our guide "How to measure your feet" explains more', evidence).fully_faithful
    made_up = check_explanation('our guide "Shoe sizes made easy" explains more', evidence)
    assert made_up.unsupported == ('"Shoe sizes made easy"',)


def test_a_mentioned_ingredient_is_a_citation_the_evidence_must_support() -> None:
    evidence = Evidence(terms={"niacinamide": True, "retinol": False})

    check = check_explanation("Niacinamide suits oily skin; retinol helps with acne.", evidence)

    assert (check.citations_found, check.citations_supported) == (2, 1)
    assert check.unsupported == ("retinol",)


PRICE_NOTE = (
    'Suggested price for "Levi\'s 511 slim jeans dark wash": ₹1,499 (range ₹1,142 to ₹2,007), based on 6 '
    "comparable sales. Confidence: 60%. Closest sales: Levi's 511 slim jeans dark wash, ₹1,566, 16 Jun 2026 "
    "(similarity 1.00); Levi's 511 slim jeans w34, ₹1,578, 08 Apr 2026 (similarity 0.84). Adjustments "
    "applied: condition -1%: moved to 'good' condition."
)


def price_evidence() -> Evidence:
    evidence = Evidence()
    evidence.name("Levi's 511 slim jeans dark wash")
    evidence.money(1499.0, "INR", "price")
    evidence.money(1141.62, "INR", "low")
    evidence.money(2007.03, "INR", "high")
    evidence.number(6, "comparables")
    evidence.share(0.605, "confidence")
    evidence.percent((0.9922 - 1) * 100, "condition adjustment")
    evidence.sales += [
        Sale("Levi's 511 slim jeans dark wash", 1566.0, "INR", date(2026, 6, 16), 0.9999),
        Sale("Levi's 511 slim jeans w34", 1578.0, "INR", date(2026, 4, 8), 0.84),
        Sale("Levi's 511 slim jeans w34", 1752.0, "INR", date(2026, 4, 3), 0.84),
    ]
    return evidence


def test_a_price_note_citing_real_comparable_sales_is_fully_faithful() -> None:
    check = check_explanation(PRICE_NOTE, price_evidence())

    assert check.unsupported == ()
    assert check.citations_found == 3  # the quoted title and two sales
    assert check.numbers_found == 12


def test_a_cited_sale_with_another_sales_price_is_flagged() -> None:
    swapped = PRICE_NOTE.replace("₹1,578, 08 Apr 2026", "₹1,752, 08 Apr 2026")

    check = check_explanation(swapped, price_evidence())

    assert check.citations_supported == check.citations_found - 1
    assert check.unsupported[0].startswith("Levi's 511 slim jeans w34, ₹1,752, 08 Apr 2026")


def test_a_sign_flipped_adjustment_is_flagged() -> None:
    check = check_explanation(PRICE_NOTE.replace("condition -1%", "condition +1%"), price_evidence())

    assert check.unsupported == ("+1%",)


def test_an_invented_range_end_is_flagged() -> None:
    check = check_explanation(PRICE_NOTE.replace("₹2,007", "₹2,400"), price_evidence())

    assert check.unsupported == ("₹2,400",)


def test_text_without_numbers_or_citations_is_vacuously_faithful() -> None:
    check = check_explanation("A good choice for you.", Evidence())

    assert (check.numbers_found, check.citations_found, check.fully_faithful) == (0, 0, True)


def test_a_quoted_listing_title_with_quotes_inside_is_one_supported_citation() -> None:
    evidence = Evidence()
    evidence.name('""Key to my heart"" silver Alex and Ani"')

    check = check_explanation(
        'Suggested price for """"Key to my heart"" silver Alex and Ani"": $18.73', evidence
    )

    assert (check.citations_found, check.citations_supported) == (1, 1)
    assert check.unsupported == ("$18.73",)
