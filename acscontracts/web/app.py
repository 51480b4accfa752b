"""The local web app (Flask): deal files in a folder, a form generated from the schema, live checks, preview,
downloads and a small HTTP API. Routes only: the work is done by Workbench (on the public API), the form by
SchemaForm and the files by DealFolder.
"""
from __future__ import annotations

import hmac
import logging
import secrets
from pathlib import Path

from flask import Flask, abort, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from acscontracts import api, resources
from acscontracts.web.deals import BadDealName, DealFolder
from acscontracts.web.workbench import Workbench

MAX_BODY = 5 * 1024 * 1024  # as a terms file (ACS-LOAD-SIZE)
TERMS_TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
MODELS = {"alliance": "Alliance agreement", "lead_provider": "Lead provider with subcontracts",
          "aco": "Single ACO / ICP contract"}
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]

log = logging.getLogger("acscontracts.web")


def create_app(deals_dir: str | Path = ".", settings: api.Settings | None = None, *, local_only: bool = True) -> Flask:
    """The app for the deals in ``deals_dir``. ``local_only`` refuses requests whose Host is not this machine
    (a page elsewhere cannot reach the app through a look-alike name)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # per process: sessions (and CSRF tokens) end with the server
        MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY, MAX_FORM_PARTS=50_000,
        SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True,
        TRUSTED_HOSTS=LOCAL_HOSTS if local_only else None,
    )
    if settings is None:
        from acscontracts.config import discover

        settings = discover(Path(deals_dir)).settings
    bench = Workbench(DealFolder(deals_dir), settings)
    app.extensions["acscontracts"] = bench
    _routes(app, bench)
    _guards(app)
    return app


# --------------------------------------------------------------------------- safety


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _guards(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf():
        if request.method == "POST" and not request.path.startswith("/api/"):
            sent = request.headers.get("X-CSRF-Token") or request.form.get("_csrf", "")
            if not sent or "csrf" not in session or not hmac.compare_digest(sent, session["csrf"]):
                abort(400, "the form has expired or did not come from this app: reload the page and try again")

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                                       "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = error.description or error.name
        if error.code == 413:
            message = f"the request is larger than {MAX_BODY // (1024 * 1024)} MB"
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return jsonify(error=message), error.code
        return render_template("error.html", code=error.code, title=error.name, message=message), error.code

    @app.errorhandler(api.InvalidTerms)
    def invalid_terms(error: api.InvalidTerms):
        if request.path.startswith("/api/"):
            return jsonify(diagnostics=[d.as_record() for d in error.diagnostics]), 422
        message = "\n".join(d.format() for d in error.diagnostics)
        return render_template("error.html", code=422, title="These terms cannot be drafted", message=message), 422

    @app.errorhandler(Exception)
    def internal_error(error: Exception):
        log.exception("internal error on %s %s", request.method, request.path)
        message = f"internal error ({type(error).__name__}); the server log has the details"
        if request.path.startswith("/api/"):
            return jsonify(error=message), 500
        return render_template("error.html", code=500, title="Internal error", message=message), 500


def _deal_path_or_404(bench: Workbench, name: str) -> Path:
    try:
        path = bench.deals.path(name)
    except BadDealName as exc:
        abort(400, str(exc))
    if not path.is_file():
        abort(404, f"there is no deal called {name!r} in the deals folder")
    return path


def _terms_body() -> bytes:
    kind = (request.mimetype or "").lower()
    if kind not in TERMS_TYPES:
        abort(415, f"send the terms as YAML or JSON (Content-Type one of {', '.join(TERMS_TYPES)}), "
                   f"not {kind or 'nothing'}")
    return request.get_data(cache=False)


def _attachment(data: bytes, filename: str, mimetype: str):
    from flask import Response

    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --------------------------------------------------------------------------- routes


def _routes(app: Flask, bench: Workbench) -> None:  # noqa: C901 - one place lists every route
    def draft(name: str):
        """(form data, input problems, terms or the InvalidTerms that stopped them) from the posted form."""
        data, problems = bench.form.read(request.form)
        try:
            return data, problems, bench.terms(data, name)
        except api.InvalidTerms as exc:
            return data, problems, exc

    def draft_terms_or_422(name: str):
        data, problems, terms = draft(name)
        if isinstance(terms, api.InvalidTerms) or problems:
            abort(422, "the form has errors: fix those shown beside the fields first")
        check = bench.check(terms)
        if any(d.is_error for d in check.diagnostics):
            abort(422, "the terms have errors: fix those shown beside the fields first")
        return terms, check

    def chosen(check, name_field="_doc"):
        document = bench.pick(check.documents, request.form.get(name_field))
        if document is None:
            abort(422, "these terms call for no document")
        return document

    @app.get("/")
    def index():
        return render_template("index.html", deals=bench.deals.names(), folder=str(bench.deals.root), models=MODELS)

    @app.post("/deals")
    def create():
        name = bench.deals.name_for(request.form.get("name", ""))
        model = request.form.get("model", "alliance")
        if not name or model not in MODELS:
            abort(400, "give the deal a name (letters and digits) and choose a contract model")
        try:
            bench.deals.create(name, resources.starter_file(model).read_text(encoding="utf-8"))
        except BadDealName as exc:
            abort(400, str(exc))
        except FileExistsError:
            abort(409, f"a deal called {name!r} already exists: open it from the list")
        return redirect(url_for("deal", name=name), code=303)

    @app.get("/deals/<name>")
    def deal(name: str):
        path = _deal_path_or_404(bench, name)
        from acscontracts.terms.loader import parse

        try:
            data, _ = parse(path.read_text(encoding="utf-8"), str(path))
        except (api.AcsError, UnicodeDecodeError, OSError) as exc:
            message = "\n".join(d.format() for d in getattr(exc, "diagnostics", ())) or str(exc)
            return render_template("error.html", code=422, title="This deal file cannot be read",
                                   message=message), 422
        return render_template("deal.html", name=name, sections=bench.form.fields(data if isinstance(data, dict) else {}),
                               saved=request.args.get("saved"))

    @app.post("/deals/<name>")
    def edit(name: str):
        _deal_path_or_404(bench, name)
        data, problems = bench.form.read(request.form)
        action = request.form.get("_action", "")
        if action == "save":
            bench.deals.save(name, data)
            return redirect(url_for("deal", name=name, saved=1), code=303)
        if action.startswith("add:"):
            add_row(data, action[4:])
        elif action.startswith("remove:"):
            remove_row(data, action[7:])
        else:
            abort(400, "unknown action")
        sections = bench.form.fields(data)
        if request.headers.get("X-Fragment"):
            return render_template("fields.html", sections=sections)
        return render_template("deal.html", name=name, sections=sections, saved=None)

    @app.post("/deals/<name>/check")
    def check(name: str):
        _deal_path_or_404(bench, name)
        data, problems, terms = draft(name)
        result = bench.check(terms, problems)
        document = bench.pick(result.documents, request.form.get("_doc"))
        preview, blanks = (None, [])
        if document is not None:
            try:
                preview, blanks = bench.preview(terms, document)
            except api.InvalidTerms as exc:
                result.diagnostics.extend(exc.diagnostics)
        return jsonify(
            diagnostics=[_record(d) for d in result.diagnostics],
            final_needs=[_record(d) for d in result.final_needs],
            documents=[{"name": d.name, "doc_type": d.doc_type, "id": d.id} for d in result.documents],
            document=document.name if document else None,
            preview=preview,
            blanks=[{"hint": hint, "field": field} for hint, field in blanks],
            partners=[[value, label] for value, label, _ in bench.form.partner_options(data)],
        )

    @app.post("/deals/<name>/document")
    def download_document(name: str):
        _deal_path_or_404(bench, name)
        terms, check = draft_terms_or_422(name)
        document = chosen(check)
        return _attachment(bench.docx(terms, document), f"{document.name}.docx", DOCX)

    @app.post("/deals/<name>/pack")
    def download_pack(name: str):
        _deal_path_or_404(bench, name)
        terms, _ = draft_terms_or_422(name)
        data, diagnostics = bench.pack(terms)
        if data is None:
            abort(422, "; ".join(d.format() for d in diagnostics if d.is_error))
        return _attachment(data, f"{Path(name).stem}-pack.zip", "application/zip")

    @app.post("/deals/<name>/redline")
    def download_redline(name: str):
        _deal_path_or_404(bench, name)
        terms, check = draft_terms_or_422(name)
        document = chosen(check)
        try:
            data = bench.redline(saved_or_422(name), terms, document)
        except api.InvalidTerms as exc:
            abort(422, "; ".join(d.format() for d in exc.diagnostics))
        return _attachment(data, f"{document.name}.redline.docx", DOCX)

    @app.post("/deals/<name>/diff")
    def diff(name: str):
        _deal_path_or_404(bench, name)
        terms, _ = draft_terms_or_422(name)
        try:
            comparison = bench.diff(saved_or_422(name), terms)
        except api.InvalidTerms as exc:
            abort(422, "; ".join(d.format() for d in exc.diagnostics))
        return render_template("diff.html", name=name, comparison=comparison)

    def saved_or_422(name: str) -> api.Terms:
        try:
            saved = bench.saved_terms(name)
        except api.InvalidTerms as exc:
            abort(422, "the saved file cannot be read: " + "; ".join(d.format() for d in exc.diagnostics))
        if any(d.is_error for d in bench.check(saved).diagnostics):
            abort(422, "the last saved version has errors, so there is nothing valid to compare with: save a "
                       "valid version first")
        return saved

    # ------------------------------------------------------------------ HTTP API

    @app.post("/api/validate")
    def api_validate():
        try:
            terms = bench.body_terms(_terms_body())
        except api.InvalidTerms as exc:
            terms = exc
        return jsonify(diagnostics=bench.validate_records(terms, final=request.args.get("final") in ("1", "true")))

    @app.post("/api/build")
    def api_build():
        try:
            terms = bench.body_terms(_terms_body())
        except api.InvalidTerms as exc:
            return jsonify(diagnostics=bench.validate_records(exc)), 422
        records = bench.validate_records(terms)
        if any(r["severity"] == "error" for r in records):
            return jsonify(diagnostics=records), 422
        data, diagnostics = bench.pack(terms)
        if data is None:
            return jsonify(diagnostics=[d.as_record() for d in diagnostics]), 422
        deal_id = terms.data.get("deal", {}).get("id", "terms") if isinstance(terms.data, dict) else "terms"
        return _attachment(data, f"{deal_id}.zip", "application/zip")


def _record(d) -> dict:
    return {"severity": d.severity, "code": d.code, "message": d.message, "hint": d.hint, "path": d.path}


def add_row(data: dict, path: str) -> None:
    """Append an empty row to the list at ``path`` (a JSON path), making the list (and its parents) if needed."""
    container, key = _parent(data, path, create=True)
    if container is None:
        abort(400, "cannot add a row there")
    rows = container.get(key) if isinstance(container, dict) else container[key]
    if not isinstance(rows, list):
        rows = []
        container[key] = rows
    rows.append({})


def remove_row(data: dict, path: str) -> None:
    """Delete the row at ``path`` (``partners[2]``)."""
    container, key = _parent(data, path, create=False)
    if not isinstance(container, list) or not isinstance(key, int) or not 0 <= key < len(container):
        abort(400, "there is no such row")
    del container[key]


def _parent(data, path: str, create: bool):
    import re

    parts = [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"\[\d+\]|[^.\[\]]+", path)]
    if not parts or len(parts) > 40:
        return None, None
    node = data
    for part in parts[:-1]:
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                return None, None
            node = node[part]
        else:
            if not isinstance(node, dict):
                return None, None
            if part not in node and create:
                node[part] = {}
            node = node.get(part)
    return node, parts[-1]
