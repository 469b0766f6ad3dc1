"""Share cards for certificates and campaign results (issue 23, "分享"): 1080×1440 PNGs drawn like
the day's card, each with what it shows and a QR code to where it leads."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from quiz.services import posters, share_cards
from tests.api.test_campaigns import OPENS_AT, new_campaign, play, pool


@pytest.fixture
def drawn(monkeypatch):
    """What the cards were asked to draw (the drawing itself needs a CJK font)."""
    seen = {}

    def keep(kind):
        return lambda **kw: seen.update(kind=kind, **kw) or b"\x89PNG"

    monkeypatch.setattr(share_cards, "certificate_card_png", keep("certificate"))
    monkeypatch.setattr(share_cards, "campaign_card_png", keep("campaign"))
    return seen


@pytest.fixture
def champion(admin_client, factory, as_user, clock):
    """A 小记者 who scored 3 of 3 in a campaign (and so holds its certificate)."""
    user = factory.user(role="reporter", display_name="王小明")
    player = as_user(user)
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    play(player, campaign["id"], correct=3)
    return player, campaign


def test_a_certificate_card_names_the_holder_and_links_its_verification_page(champion, drawn, app):
    player, _ = champion
    cert = player.get("/api/v1/me/certificates").get_json()["items"][0]
    response = player.get(f"/api/v1/me/certificates/{cert['code']}/share.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert drawn["kind"] == "certificate" and drawn["code"] == cert["code"]
    assert drawn["name"] == "王*明"  # a minor's name as public boards show it
    assert "创文知识专项答题" in drawn["title"]
    assert drawn["link"] == f"{app.config['QUIZ_PUBLIC_URL'].rstrip('/')}/verify/{cert['code']}"


def test_someone_elses_certificate_has_no_card_for_me(champion, as_user, factory):
    player, _ = champion
    code = player.get("/api/v1/me/certificates").get_json()["items"][0]["code"]
    stranger = as_user(factory.user())
    response = stranger.get(f"/api/v1/me/certificates/{code}/share.png")
    assert response.status_code == 404


def test_a_campaign_card_shows_the_best_score_time_and_rank(champion, drawn):
    player, campaign = champion
    response = player.get(f"/api/v1/campaigns/{campaign['id']}/share.png")
    assert response.status_code == 200
    result = drawn["result"]
    assert (result.name, result.score, result.total, result.rank) == (
        "创文知识专项答题",
        3,
        3,
        1,
    )
    assert drawn["link"].endswith("/app/campaigns")


def test_a_campaign_card_is_refused_before_the_first_answer(admin_client, factory, as_user, clock):
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    response = as_user(factory.user()).get(f"/api/v1/campaigns/{campaign['id']}/share.png")
    assert response.status_code == 409 and response.get_json()["code"] == "not_completed"


def test_the_cards_are_1080_by_1440_pngs_when_a_cjk_font_is_installed():
    font = posters.find_font(None)
    if not font:
        pytest.skip("no CJK font installed")
    certificate = share_cards.certificate_card_png(
        name="王*明",
        title="在「创文知识专项答题」中答对 3 题中的 3 题",
        achieved_on=OPENS_AT.date(),
        code="ABCD2345",
        link="https://quiz.example.cn/verify/ABCD2345",
        font_path=font,
    )
    campaign = share_cards.campaign_card_png(
        name="王*明",
        result=share_cards.CampaignResult("创文知识专项答题", 3, 3, 42, 1),
        link="https://quiz.example.cn/app/campaigns",
        font_path=font,
    )
    for body in (certificate, campaign):
        assert Image.open(BytesIO(body)).size == (1080, 1440)
