"""The rules tier's sector guess and site proposal, in English, Hindi and Hinglish."""

from __future__ import annotations

import pytest

from agents.rules.sites import guess_sector, propose_site
from agents.schemas import SiteSectorContext, SiteSpecContext
from knowledge.sites.sectors import SECTORS


def guess(text: str):  # type: ignore[no-untyped-def]
    return guess_sector(SiteSectorContext(description=text, sectors=list(SECTORS)))


@pytest.mark.parametrize(
    ("text", "sector", "language"),
    [
        ("Sharma Kirana, fresh vegetables and daily groceries in Indore", "grocery", "en"),
        ("डॉ. वर्मा का क्लिनिक, भागलपुर। बच्चों का इलाज", "clinic", "hi"),
        ("Punjabi jutti aur mojari banate hain, shaadi ke liye", "footwear", "hinglish"),
        ("Quick Wash laundry and dry cleaning across Thane", "other", "en"),
        ("Cyber cafe with printing and xerox", "other", "en"),
    ],
)
def test_sector_and_language(text: str, sector: str, language: str) -> None:
    result = guess(text)
    assert (result.sector, result.language) == (sector, language)
    assert result.confidence >= 0.55


def test_split_or_thin_evidence_is_not_confident() -> None:
    split = guess("We sell sarees and chappals")
    assert split.confidence < 0.55 and split.alternatives
    assert guess("Best shop in town").confidence < 0.55
    assert guess("Best shop in town").sector == "other"


def test_home_delivery_does_not_make_a_home_store() -> None:
    assert "home" not in guess("Kirana with home delivery, ghar tak delivery").alternatives


def test_proposal_takes_what_the_description_says() -> None:
    proposal = propose_site(
        SiteSpecContext(
            description="Dr. Mehta's Dental Clinic near Rajwada, Indore: 10am to 7pm, call +91 98270 12345, "
            "UPI and cards, delivery in 2 hours",
            sector="clinic",
            language="en",
        )
    )
    assert proposal.business_name == "Dr Mehta's Dental Clinic"
    assert (proposal.city, proposal.phone, proposal.area) == ("Indore", "9827012345", "Near Rajwada")
    assert proposal.payment_methods == ["upi", "card"]
    assert (proposal.hours, proposal.delivery_time) == ("10am to 7pm", "within 2 hours")


def test_proposal_follows_the_owners_note() -> None:
    proposal = propose_site(
        SiteSpecContext(
            description="Sharma Kirana in Indore",
            sector="grocery",
            language="en",
            note='naam "Sharma Fresh" rakho, make it blue, only 3 products, hindi mein',
        )
    )
    assert proposal.business_name == "Sharma Fresh"
    assert (proposal.language, proposal.colour, proposal.product_count) == ("hi", "#1f4fbf", 3)
