"""The MISS pre-consultation screening app: `create_app()` reads like a table of contents."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build the app. `config_name` picks a config class; `overrides` win (tests use them)."""
    from config import load_config
    from screening.access_log import register_access_log_privacy
    from screening.errors import register_error_handlers
    from screening.extensions import babel, csrf, db, limiter, login_manager, migrate
    from screening.i18n import register_i18n, select_locale
    from screening.postgres_settings import engine_options, notice_closed_connections
    from screening.security import register_security
    from screening.sqlite_settings import use_write_ahead_log
    from screening.templating import register_template_helpers
    from screening.translations_cache import install_in_templates

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    config = load_config(config_name, app.instance_path)
    app.config.from_object(config)
    app.config.update(overrides)

    from screening import models

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config.get("SQLALCHEMY_DATABASE_URI"), app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    with app.app_context():
        use_write_ahead_log(db.engine)
        notice_closed_connections(db.engine)
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        include_object=models.include_in_migrations,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_in_templates(app)

    register_i18n(app)
    register_template_helpers(app)
    register_security(app)
    register_access_log_privacy(app)
    register_error_handlers(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    from screening.fhir_api.views import bp as fhir_bp
    from screening.patient import handout_views  # noqa: F401  (the handout's routes on patient_bp)
    from screening.patient.reminders import bp as reminders_bp
    from screening.patient.views import bp as patient_bp
    from screening.staff.views import bp as staff_bp

    app.register_blueprint(patient_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(fhir_bp)


def register_commands(app: Flask) -> None:
    from screening.cli import register_commands as register

    register(app)
