"""Running campaigns (专项答题): create, edit, list."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.common import Blueprint, admin_required, rules
from quiz.current import now
from quiz.schemas.campaign import CampaignIn, CampaignOut, CampaignPage, CampaignPatch
from quiz.schemas.common import PageArgs, cursor_id, page_of
from quiz.services import campaigns

blp = Blueprint(
    "admin_campaigns",
    __name__,
    url_prefix="/api/v1/admin/campaigns",
    description="Campaign administration",
)


@blp.route("", methods=["GET"])
@admin_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, CampaignPage)
def list_campaigns(args):
    """Every campaign, newest first."""
    rows = campaigns.all_campaigns(before_id=cursor_id(args["cursor"]), limit=args["limit"])
    return page_of(rows, args["limit"], lambda c: c.id)


@blp.route("", methods=["POST"])
@admin_required
@blp.arguments(CampaignIn)
@blp.response(201, CampaignOut)
def create_campaign(body):
    return campaigns.create(body, admin_id=current_user.id, rules=rules(), now=now())


@blp.route("/<id:campaign_id>", methods=["GET"])
@admin_required
@blp.response(200, CampaignOut)
def get_campaign(campaign_id):
    return campaigns.get(campaign_id)


@blp.route("/<id:campaign_id>", methods=["PATCH"])
@admin_required
@blp.arguments(CampaignPatch)
@blp.response(200, CampaignOut)
def update_campaign(body, campaign_id):
    return campaigns.update(campaign_id, body, admin_id=current_user.id, rules=rules(), now=now())
