"""Parameters the read routes' OpenAPI descriptions share."""

from ..studies import SLUG_PATTERN

# The study in every read route's path.
SLUG_PARAMETER = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": SLUG_PATTERN.pattern},
    "description": "The study's short name.",
    "example": "demo",
}


def query(name: str, schema: dict, description: str, **more) -> dict:
    """A query parameter."""
    return {"name": name, "in": "query", "schema": schema, "description": description, **more}
