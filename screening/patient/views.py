"""Patient views (being built)."""

from flask import Blueprint, render_template

bp = Blueprint("patient", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    return render_template("errors/error.html", code=200, title="Welcome", text="")
