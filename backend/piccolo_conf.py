"""Piccolo's configuration: our engine and our one app (tables + migrations/)."""

from piccolo.conf.apps import AppRegistry

from backend.db import engine

DB = engine
APP_REGISTRY = AppRegistry(apps=["backend.piccolo_app"])
