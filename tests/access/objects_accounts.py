"""Named objects of the access tests' world for accounts (admin), one-time password links,
the study switcher.
"""

from sqlalchemy import select

from observations import accounts, password_links
from observations.extensions import db
from observations.models import Membership
from tests.factories import PASSWORD


def add(world, studies: dict, users: dict) -> None:
    """Add this area's objects to world.objects (studies: "a"/"b"; users: by actor)."""
    # An account that no actor logs in as: the admin's rows may deactivate it.
    spare = accounts.create_user("reserve", PASSWORD, "Reserve")
    membership = accounts.add_member(studies["a"], spare, "fieldworker")
    world.objects["account of spare"] = spare.id
    world.objects["membership of spare"] = membership.id
    world.objects["account of fieldworker_a"] = users["fieldworker_a"].id
    world.objects["membership of fieldworker_b"] = db.session.scalar(
        select(Membership.id).filter_by(user_id=users["fieldworker_b"].id)
    )
    world.objects["password link of spare"] = password_links.issue(spare, "invite")
    world.objects["no such link"] = "geen-geldige-link"
    world.objects["no such account"] = 999_999
    world.objects["account search"] = "reserve"
    world.objects["status deactivated"] = "deactivated"
