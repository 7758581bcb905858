"""Static files served like static files: indexed and hashed at start, gzipped once, kept in memory.

Every file the browser gets from our origin lives under one of the MOUNTS: our own scripts, styles
and icons (pwa/static) and the browser libraries from the npm registry (pwa/node_modules, never
copied into the repo, never from a CDN). Each is served at two addresses:

- `/static/v<version>/css/app.css`: the version is a hash of every served file, so the address
  changes whenever any file does. These answers may be kept for a year without asking again
  (`immutable`); pages, the service worker's shell list and the API docs name files this way,
  through `url()` (the templates' `asset()`). A module's relative imports (`./dom.js`) stay
  inside the same version.
- `/static/css/app.css`: the plain address, for anything that names a file by hand (an old page
  after a deploy, a bookmark). Browsers must revalidate it (`no-cache` with an ETag: a 304
  costs no body).

A file is read and gzipped the first time it is asked for, then served from memory: a request
costs a dictionary lookup, not a disk read and a compressor (issue 15: 990 req/s before).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backend.settings import PWA

# URL prefix (without slashes) → the folder served under it.
MOUNTS: dict[str, Path] = {
    "static": PWA / "static",
    "vendor/leaflet": PWA / "node_modules" / "leaflet" / "dist",
    "vendor/chartjs": PWA / "node_modules" / "chart.js" / "dist",
    "vendor/swagger-ui": PWA / "node_modules" / "swagger-ui-dist",
    "vendor/signature_pad": PWA / "node_modules" / "signature_pad" / "dist",
}
# Already compressed, or too small to gain: sent as they are.
PLAIN_TYPES = ("image/png", "image/jpeg", "image/webp", "font/woff2")
MIN_GZIP_BYTES = 512
FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_VERSION_SEGMENT = re.compile(r"v[0-9a-f]{12}")


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None  # None when gzip would not make it smaller
    media_type: str
    etag: str


@dataclass(frozen=True)
class Index:
    files: dict[str, Path]  # "static/css/app.css" → its path on disk
    version: str  # "v" + 12 hex digits of a hash over every file's name and content


def _media_type(path: Path) -> str:
    if path.suffix in (".js", ".mjs"):
        return "text/javascript; charset=utf-8"
    if path.suffix == ".webmanifest":
        return "application/manifest+json"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def build_index(mounts: dict[str, Path]) -> Index:
    """Every servable file under the mounts and the version of the whole set."""
    files: dict[str, Path] = {}
    digest = hashlib.sha256()
    for prefix, folder in sorted(mounts.items()):
        if not folder.is_dir():  # npm not run yet: the library's pages say so by a 404
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f"{prefix}/{path.relative_to(folder).as_posix()}"
            files[name] = path
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return Index(files, "v" + digest.hexdigest()[:12])


@cache
def index() -> Index:
    return build_index(MOUNTS)


def version() -> str:
    return index().version


def url(name: str) -> str:
    """The versioned address of a served file: url("static/css/app.css") →
    "/static/v1a2b…/css/app.css"; url("vendor/leaflet/leaflet.js") → "/vendor/v1a2b…/leaflet/…"."""
    top, _, rest = name.partition("/")
    if name not in index().files:  # e.g. npm not run: the plain address, which answers 404
        return f"/{name}"
    return f"/{top}/{version()}/{rest}"


def split(path: str) -> tuple[str, str | None]:
    """A request path → (the file's name in the index, the version its address named, if any).
    "/static/v1a2b…/css/app.css" → ("static/css/app.css", "v1a2b…")."""
    top, _, rest = path.lstrip("/").partition("/")
    first, _, after = rest.partition("/")
    if _VERSION_SEGMENT.fullmatch(first):
        return f"{top}/{after}", first
    return f"{top}/{rest}", None


def cache_control(named: str | None) -> str:
    """Kept for good only at the current version's address: an old page after a deploy asks for
    an old version and gets today's file, which must not be kept under that address."""
    return FOREVER if named == version() else REVALIDATE


_loaded: dict[str, Asset] = {}


def load(name: str) -> Asset | None:
    """The file as served, read and compressed on first use; None if it is not served."""
    found = _loaded.get(name)
    if found is not None:
        return found
    path = index().files.get(name)
    if path is None:
        return None
    body = path.read_bytes()
    media_type = _media_type(path)
    gzipped = None
    if len(body) >= MIN_GZIP_BYTES and not media_type.startswith(PLAIN_TYPES):
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(body) else None
    asset = Asset(body, gzipped, media_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')
    _loaded[name] = asset
    return asset
