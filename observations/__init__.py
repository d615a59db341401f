"""Terloops: systematic observation at public meeting places."""

import os
from pathlib import Path

from flask import Flask

from . import compression, config, database, errors, i18n, security, tasks, urls
from .extensions import csrf, db, limiter, login_manager, migrate
from .indicators import facts
from .sync import rules_cache

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure a Terloops application."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "TERLOOPS_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config.from_environment())
    app.config.from_prefixed_env("TERLOOPS")
    if test_config:
        app.config.from_mapping(test_config)
    config.derived(app.config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    compression.init_app(app)
    database.init_app(app)
    facts.install()
    rules_cache.install()
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    urls.init_app(app)
    _register_blueprints(app)
    tasks.init_app(app)

    from . import cli

    cli.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """Attach one blueprint per role or surface."""
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .field import bp as field_bp
    from .main import bp as main_bp
    from .manage import bp as manage_bp
    from .research import bp as research_bp

    for blueprint in (main_bp, auth_bp, admin_bp, manage_bp, research_bp, field_bp, api_bp):
        app.register_blueprint(blueprint)
