"""Test helper: the web app served on a free local port, and headless Debian Chromium driven by Selenium
through the system chromedriver (no browser is ever downloaded)."""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
         "--window-size=1600,1000")


def missing() -> str:
    """Why browser tests cannot run here ("" when they can)."""
    try:
        import selenium  # noqa: F401
        import waitress  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    return ""


@contextlib.contextmanager
def served(app):
    """The WSGI app on 127.0.0.1:<free port>; yields its base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium(profile: Path, downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + (f"--user-data-dir={profile}",):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def downloaded(folder: Path, suffix: str, timeout: float = 60) -> Path:
    """The file with ``suffix`` that a download is writing into ``folder``, once it is complete."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            path = done[0]
            target = folder.parent / f"{time.monotonic_ns()}-{path.name}"
            shutil.move(path, target)  # leave the folder empty for the next download
            return target
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file was downloaded into {folder}: {sorted(p.name for p in folder.iterdir())}")
