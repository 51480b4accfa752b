"""Take docs/web.png: the web app's form, with a problem beside its field, and the live preview.

    python tools/web_screenshot.py [OUT.png]

Uses headless Debian Chromium through the system chromedriver (as tests/test_web_browser.py does).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import chromium, served  # noqa: E402

from acscontracts.web import create_app  # noqa: E402


def main() -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "web.png"
    with tempfile.TemporaryDirectory() as folder:
        deals = Path(folder) / "deals"
        deals.mkdir()
        shutil.copy(ROOT / "samples" / "northvale-alliance.yaml", deals)
        with served(create_app(deals)) as base, chromium(Path(folder) / "profile", Path(folder)) as driver:
            driver.set_window_size(1440, 900)
            wait = WebDriverWait(driver, 60)
            driver.get(base + "/deals/northvale-alliance.yaml")
            wait.until(lambda d: "ALLIANCE AGREEMENT" in d.find_element(By.ID, "preview").text)
            field = driver.find_element(By.NAME, "governance.board.quorum")
            field.clear()
            field.send_keys("0")
            wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-path="governance.board.quorum"] .diag').text)
            driver.execute_script("document.querySelector('[data-path=\"governance.board.quorum\"]')"
                                  ".scrollIntoView({block: 'start'}); window.scrollBy(0, -330);"
                                  "document.getElementById('doc-aa-board') &&"
                                  " document.getElementById('doc-aa-board').scrollIntoView({block: 'start'});")
            driver.save_screenshot(str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
