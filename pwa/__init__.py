"""The progressive web app: HTML pages, templates and static files served by the backend."""
