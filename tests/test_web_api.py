"""The web app's HTTP API: the same diagnostics as `validate --format json`, the same bytes as `build`, and
hostile requests answered with a 4xx and a message, never a traceback."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("flask")

from acscontracts.web import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "invalid"
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json") and not p.name.startswith("_"))
YAML = {"Content-Type": "application/yaml"}


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "acscontracts", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def final_args(path: Path) -> bool:
    return "# args: --final" in path.read_text(encoding="utf-8", errors="replace")


def comparable(record: dict) -> tuple:
    where = record["location"] or {}
    return (record["severity"], record["code"], record["path"], record["message"], record["hint"],
            where.get("line"), where.get("column"))


@pytest.fixture(scope="module")
def corpus_client():
    return create_app(CORPUS).test_client()


@pytest.fixture(scope="module")
def samples_client():
    return create_app(ROOT / "samples").test_client()


@pytest.fixture(scope="module")
def cli_records():
    """Every corpus file's diagnostics from the command line, by file name (two runs: draft and --final)."""
    by_file: dict[str, list] = {}
    for final in (False, True):
        files = [str(p) for p in FILES if final_args(p) == final]
        proc = cli("validate", "--format", "json", *(["--final"] if final else []), *files)
        for record in json.loads(proc.stdout):
            by_file.setdefault(Path(record["location"]["file"]).name, []).append(record)
    return by_file


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_validate_gives_the_cli_diagnostics_for_every_invalid_file(path, corpus_client, cli_records):
    response = corpus_client.post("/api/validate" + ("?final=1" if final_args(path) else ""),
                                  data=path.read_bytes(), headers=YAML)
    assert response.status_code == 200
    records = response.get_json()["diagnostics"]
    assert any(r["severity"] == "error" for r in records)
    expected = [r for r in cli_records.get(path.name, [])]
    # diagnostics about the register file itself name that file, in both
    assert sorted(map(comparable, records)) == sorted(map(comparable, expected))


def test_validate_answers_200_with_no_errors_for_a_valid_deal(samples_client):
    response = samples_client.post("/api/validate", data=(ROOT / "samples/northvale-alliance.yaml").read_bytes(),
                                   headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert [r for r in response.get_json()["diagnostics"] if r["severity"] == "error"] == []


@pytest.fixture(scope="module")
def cli_pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-pack")
    proc = cli("build", *map(str, SAMPLES), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_build_gives_the_documents_build_writes_byte_for_byte(sample, samples_client, cli_pack):
    response = samples_client.post("/api/build", data=sample.read_bytes(), headers=YAML)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    documents = {n: archive.read(n) for n in archive.namelist() if n.endswith(".docx")}
    built = {p.name: p.read_bytes() for p in (cli_pack / sample.stem).glob("*.docx")}
    assert documents.keys() == built.keys() and documents
    for name in built:
        assert documents[name] == built[name], name
    assert json.loads(archive.read("manifest.json"))["documents"].keys() == built.keys()
    again = samples_client.post("/api/build", data=sample.read_bytes(), headers=YAML)
    assert again.data == response.data  # deterministic zip


def test_build_refuses_invalid_terms_with_their_diagnostics(corpus_client):
    response = corpus_client.post("/api/build", data=(CORPUS / "rule-v5-unknown-chair.yaml").read_bytes(),
                                  headers=YAML)
    assert response.status_code == 422
    assert "V5" in {r["code"] for r in response.get_json()["diagnostics"]}


# --------------------------------------------------------------------------- hostile requests


def assert_clean_4xx(response, code: int, words: str):
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and 'File "' not in body
    assert words in body


@pytest.mark.parametrize("endpoint", ["/api/validate", "/api/build"])
def test_a_huge_body_is_refused(endpoint, samples_client):
    response = samples_client.post(endpoint, data=b"a: " + b"x" * (6 * 1024 * 1024), headers=YAML)
    assert_clean_4xx(response, 413, "larger than 5 MB")
    assert "error" in response.get_json()


@pytest.mark.parametrize("endpoint", ["/api/validate", "/api/build"])
@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "image/png", None])
def test_a_body_that_is_not_terms_is_refused(endpoint, content_type, samples_client):
    headers = {"Content-Type": content_type} if content_type else {}
    response = samples_client.post(endpoint, data=b"deal: {}", headers=headers)
    assert_clean_4xx(response, 415, "send the terms as YAML or JSON")


def test_deeply_nested_bodies_are_diagnosed_not_crashed(samples_client):
    for body in (b"[" * 100_000, b"a:\n" + b"".join(b" " * i + b"b:\n" for i in range(1, 2000)), b"{" * 50_000):
        response = samples_client.post("/api/validate", data=body, headers=YAML)
        assert response.status_code == 200
        codes = {r["code"] for r in response.get_json()["diagnostics"]}
        assert codes & {"ACS-LOAD-DEPTH", "ACS-LOAD-SYNTAX"}, codes
        built = samples_client.post("/api/build", data=body, headers=YAML)
        assert built.status_code == 422 and b"Traceback" not in built.data


def test_a_body_that_is_not_utf8_gets_the_loader_diagnostic(samples_client):
    response = samples_client.post("/api/validate", data=b"deal: caf\xe9\n", headers=YAML)
    assert response.status_code == 200
    assert [r["code"] for r in response.get_json()["diagnostics"]] == ["ACS-LOAD-ENCODING"]


@pytest.fixture()
def deals(tmp_path):
    folder = tmp_path / "deals"
    folder.mkdir()
    (folder / "ok.yaml").write_bytes((ROOT / "samples/northvale-alliance.yaml").read_bytes())
    (tmp_path / "secret.yaml").write_text("schema_version: '1'\n")
    (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    return folder


@pytest.mark.parametrize("name", ["..%2Fsecret.yaml", "..%2F..%2Fetc%2Fpasswd", "%2E%2E%2Fsecret.yaml", ".hidden.yaml",
                                  "ok.txt", "a%5C..%5Csecret.yaml", "link.yaml", "x" * 200 + ".yaml", "ok.yaml%00"])
def test_deal_names_cannot_leave_the_deals_folder(name, deals):
    client = create_app(deals).test_client()
    response = client.get(f"/deals/{name}")
    assert response.status_code in (400, 404)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "schema_version" not in body
    assert "deal" in body or "not found" in body.lower()


def test_a_new_deal_is_always_created_inside_the_folder(deals):
    client = create_app(deals).test_client()
    page = client.get("/").get_data(as_text=True)
    from web_forms import csrf

    token = csrf(page)
    response = client.post("/deals", data={"name": "../../escape", "model": "alliance", "_csrf": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/deals/escape.yaml")
    assert (deals / "escape.yaml").is_file() and not (deals.parent.parent / "escape.yaml").exists()
    again = client.post("/deals", data={"name": "escape", "model": "alliance", "_csrf": token})
    assert_clean_4xx(again, 409, "already exists")


def test_requests_for_another_host_name_are_refused(samples_client):
    response = samples_client.get("/", headers={"Host": "attacker.example"})
    assert_clean_4xx(response, 400, "not trusted")


def _serve(*args: str):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "acscontracts", "serve", *args], stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_listens_on_this_machine_and_warns_when_opened_up(tmp_path):
    import time
    import urllib.error
    import urllib.request

    port = _free_port()
    server = _serve("--deals", str(tmp_path), "--port", str(port))
    try:
        line = server.stderr.readline()
        assert f"http://127.0.0.1:{port}/" in line and "warning" not in line
        for _ in range(300):  # the line is printed just before the server binds
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
                    assert response.status == 200 and b"New deal" in response.read()
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server never answered")
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
    opened = _serve("--deals", str(tmp_path), "--host", "0.0.0.0", "--port", str(_free_port()))
    try:
        assert "there is no login" in opened.stderr.readline()
    finally:
        opened.terminate()
        opened.wait(timeout=30)
        opened.stderr.close()
