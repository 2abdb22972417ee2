"""Lighthouse on the web edition, as a reader's phone sees it from a static host (``make bench``).

The built website is served from 127.0.0.1 by a small server that compresses text (gzip) as
static hosts do (GitHub Pages, Netlify, Read the Docs); Lighthouse (``tools/lighthouse``, from
its lock file: ``make setup-lighthouse``) runs Debian's chromium with its mobile profile (a
mid-range phone, slow 4G, simulated) on a page and gives its four scores, its layout shift, its
paints, and every request of a first visit, whose bytes on the wire (images aside) are summed.

Used by ``scripts/benchmark.py``; alone: ``python scripts/phone_figures.py _build/html
experiences/x.html`` prints one page's figures.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# What a static host compresses (by type); images and archives are compressed already.
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".webmanifest", ".map")


def missing() -> str | None:
    """Why Lighthouse cannot run here (with the command that fixes it), or None."""
    if not LIGHTHOUSE.is_file():
        return "Lighthouse is not installed: make setup-lighthouse"
    if shutil.which("chromium") is None:
        return "chromium is not installed: make setup-browser"
    return None


class _CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """Files as a static host serves them: text gzip-compressed when the browser accepts it."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, _mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class _Body:
    """A response body for ``SimpleHTTPRequestHandler.copyfile``."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        pass


@contextmanager
def static_host(folder: Path) -> Iterator[str]:
    """``folder`` served compressed on a free port of 127.0.0.1: yields its address."""
    handler = functools.partial(_CompressingHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str) -> dict:
    """Lighthouse's figures for one page (mobile profile): the four scores (0-1), the layout
    shift, first and largest contentful paint (ms), total blocking time (ms), and the bytes a
    first visit transfers, images aside (and with them), with the number of requests."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--quiet",
        ]
        env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "chromium"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0 or not report.is_file():
            return {"error": (done.stderr or done.stdout)[-500:]}
        data = json.loads(report.read_text("utf-8"))
    return figures(data)


def figures(data: dict) -> dict:
    """The figures ``lighthouse`` reports, from Lighthouse's JSON report."""
    audits = data["audits"]
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    not_images = [r for r in requests if r.get("resourceType") != "Image"]
    failed = [
        f"{r.get('url')} ({r.get('statusCode')})"
        for r in requests
        if (r.get("statusCode") or 200) >= 400
    ]
    console = audits.get("errors-in-console", {}).get("details", {}).get("items", [])
    return {
        **{name: data["categories"][name]["score"] for name in CATEGORIES},
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "first_visit_bytes": sum(r.get("transferSize", 0) for r in not_images),
        "first_visit_bytes_with_images": sum(r.get("transferSize", 0) for r in requests),
        "requests": len(requests),
        "failed_requests": failed,
        "console_errors": [str(e.get("description", ""))[:200] for e in console],
        "failed_audits": sorted(
            audit_id
            for name in CATEGORIES
            for ref in data["categories"][name]["auditRefs"]
            if ref.get("weight")
            and (audit_id := ref["id"]) in audits
            and audits[audit_id].get("score") is not None
            and audits[audit_id]["score"] < 0.9
        ),
    }


def phone_figures(html: Path, pages: dict[str, str]) -> dict[str, dict]:
    """``pages`` (a name → a path under the website ``html``), each measured by Lighthouse."""
    results = {}
    with static_host(html) as base:
        for name, page in pages.items():
            results[name] = lighthouse(base + page)
    return results


def describe(name: str, found: dict) -> str:
    """One line of figures for a person."""
    if "error" in found:
        return f"  {name:<8} Lighthouse failed: {found['error']}"
    scores = " ".join(f"{c.split('-')[0][:4]} {found[c]:.2f}" for c in CATEGORIES)
    return (
        f"  {name:<8} {scores}  CLS {found['cls']:.3f}  FCP {found['fcp_ms'] / 1000:.1f} s  "
        f"LCP {found['lcp_ms'] / 1000:.1f} s  "
        f"first visit {found['first_visit_bytes'] / 1024:.0f} kB ({found['requests']} requests)"
    )


if __name__ == "__main__":
    why = missing()
    if why:
        sys.exit(why)
    site, *paths = sys.argv[1:]
    for path, found in phone_figures(Path(site), {p: p for p in paths}).items():
        print(describe(path, found))
        print(json.dumps(found, indent=1))
