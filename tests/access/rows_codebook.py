"""Route × role rows for the codebook editor and the audit log (manage/codebook, manage/audit).

Added to expectations.ROWS; see expectations.py for how to write a row.
"""

from tests.access.rows import NOT_FOUND, Row, admin_only, in_study

COORDINATOR = ("coordinator",)
# Study B's object in a URL of study A: not found, also for those who may use the route in A.
NOT_IN_A = {"coordinator_a": NOT_FOUND, "admin": NOT_FOUND}


def _rows_with_object(endpoint: str, parameter: str, thing: str, methods: dict) -> list[Row]:
    """Rows of a route taking an object of study a, and variants with study b's object."""
    rows = []
    for method, form in methods.items():
        rows.append(
            Row(
                endpoint,
                method,
                in_study("a", *COORDINATOR),
                params={parameter: f"{thing} of study a"},
                form=form,
            )
        )
        rows.append(
            Row(
                endpoint,
                method,
                in_study("a", *COORDINATOR, **NOT_IN_A),
                variant=f"{thing} of study b",
                params={parameter: f"{thing} of study b"},
                form=form,
            )
        )
    return rows


ROWS: list = [
    Row("manage.codebook_index", "GET", in_study("a", *COORDINATOR)),
    Row("manage.codebook_export", "GET", in_study("a", *COORDINATOR)),
    Row("manage.codebook_import", "POST", in_study("a", *COORDINATOR), form={}),
    *_rows_with_object(
        "manage.codebook_category",
        "category_id",
        "category",
        {"GET": None, "POST": {"label_nl": "Activiteit", "label_en": "Activity", "position": "6"}},
    ),
    *_rows_with_object(
        "manage.codebook_new_code",
        "category_id",
        "category",
        {"GET": None, "POST": {"code": "", "label_nl": "", "label_en": "", "position": "0"}},
    ),
    *_rows_with_object(
        "manage.codebook_code",
        "code_id",
        "code",
        {"GET": None, "POST": {"label_nl": "wachten", "label_en": "waiting", "position": "10"}},
    ),
    *_rows_with_object("manage.codebook_retire", "code_id", "code", {"POST": {}}),
    *_rows_with_object("manage.codebook_restore", "code_id", "code", {"POST": {}}),
    Row("manage.audit", "GET", in_study("a", *COORDINATOR)),
    Row("admin.audit", "GET", admin_only()),
]
