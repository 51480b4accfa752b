"""End to end in headless Chromium: a person creates a deal, meets a validation error beside its field and
fixes it, adds a partner and a risk-share corridor, watches the preview follow, downloads the pack (and
opens its .docx with python-docx) and, after a change, a redline against the saved version.

Skipped when Chromium, chromedriver or Selenium is missing, unless ACS_BROWSER_TESTS=1 (CI sets it), when
their absence is a failure.
"""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from browser import chromium, downloaded, missing, served

WHY = missing()
if WHY and os.environ.get("ACS_BROWSER_TESTS") == "1":
    raise RuntimeError(f"ACS_BROWSER_TESTS=1 but the browser tests cannot run: {WHY}")
pytestmark = pytest.mark.skipif(bool(WHY), reason=WHY or "")

WAIT = 30


@pytest.fixture()
def browser(tmp_path):
    from acscontracts.web import create_app

    deals = tmp_path / "deals"
    downloads = tmp_path / "downloads"
    deals.mkdir()
    downloads.mkdir()
    with served(create_app(deals)) as base, chromium(tmp_path / "profile", downloads) as driver:
        yield driver, base, deals, downloads


def test_a_deal_from_scratch_to_pack_and_redline(browser):
    from docx import Document as WordDocument
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver, base, deals, downloads = browser
    # the page re-renders parts of itself: an element found a moment ago may be replaced before it is read
    wait = WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))

    def field(path):
        return wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'[name="{path}"]'))

    def type_into(path, text):
        element = field(path)
        element.clear()
        element.send_keys(text)

    def message_beside(path):
        return driver.find_element(By.CSS_SELECTOR, f'[data-path="{path}"] > .diag').text

    def preview_has(text):
        wait.until(lambda d: text in d.find_element(By.ID, "preview").text)

    def click_action(value):
        button = field_button(value)
        driver.execute_script("arguments[0].closest('details') && (arguments[0].closest('details').open = true);"
                              "arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()

    def field_button(value):
        return wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'button[value="{value}"]'))

    # create a deal from scratch (a starter for the chosen model)
    driver.get(base + "/")
    driver.find_element(By.ID, "new-name").send_keys("Riverside 2027")
    Select(driver.find_element(By.ID, "new-model")).select_by_value("alliance")
    driver.find_element(By.CSS_SELECTOR, "form.new-deal button").click()
    wait.until(lambda d: d.current_url.endswith("/deals/riverside-2027.yaml"))
    assert (deals / "riverside-2027.yaml").is_file()
    preview_has("ALLIANCE AGREEMENT")
    assert "No errors" in driver.find_element(By.ID, "status").text
    # the open placeholders: each names its field, or (a blank completed at signing) only says what it is
    blanks = [li.get_attribute("textContent") for li in driver.find_elements(By.CSS_SELECTOR, "#blanks li")]
    assert blanks and all(b.startswith("[●]") or ": [●]" in b and not b.startswith(":") for b in blanks), blanks

    # a validation error appears beside its field, and goes when it is fixed
    type_into("deal.id", "Riverside 2027!")
    wait.until(lambda d: "does not have the required form" in message_beside("deal.id")
               or "ACS-SCHEMA-PATTERN" in message_beside("deal.id"))
    assert "ACS-SCHEMA-PATTERN" in driver.find_element(By.ID, "problems").text
    type_into("deal.id", "riverside-2027")
    wait.until(lambda d: message_beside("deal.id") == "")

    # add a partner row; the preview names it among the parties
    click_action("add:partners")
    type_into("partners[3].id", "riverside-hospice")
    type_into("partners[3].legal_name", "Riverside Hospice <Care> Limited")
    type_into("partners[3].short_name", "{{ 7*7 }} Hospice")
    Select(field("partners[3].org_type")).select_by_value("vcse")
    wait.until(lambda d: "voluntary" in d.find_element(By.CSS_SELECTOR,
                                                        '[data-path="partners[3].org_type"] .explain').text)
    for role in ("provider", "alliance_member"):
        driver.find_element(By.CSS_SELECTOR, f'input[name="partners[3].roles"][value="{role}"]').click()
    member = wait.until(lambda d: d.find_element(
        By.CSS_SELECTOR, 'input[name="contracting.alliances[0].member_ids"][value="riverside-hospice"]'))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", member)
    member.click()
    preview_has("Riverside Hospice <Care> Limited")
    assert "{{ 7*7 }} Hospice" in driver.find_element(By.ID, "preview").text
    assert driver.execute_script("return window.__injected === undefined")

    # add a risk-share corridor: its missing direction is flagged beside it, then chosen
    click_action("add:funding.risk_share.corridors")
    type_into("funding.risk_share.corridors[0].from_pct", "0.5%")
    type_into("funding.risk_share.corridors[0].to_pct", "2.5%")
    wait.until(lambda d: "missing `direction`" in message_beside("funding.risk_share.corridors[0].direction"))
    Select(field("funding.risk_share.corridors[0].direction")).select_by_value("both")
    wait.until(lambda d: message_beside("funding.risk_share.corridors[0].direction") == "")
    preview_has("2.50%")

    # download the pack and read the agreement with python-docx
    driver.find_element(By.ID, "download-pack").click()
    pack = zipfile.ZipFile(downloaded(downloads, ".zip"))
    agreement = next(n for n in pack.namelist() if n.startswith("alliance_agreement"))
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(pack.read(agreement))).paragraphs)
    assert "Riverside Hospice <Care> Limited" in text and "{{ 7*7 }} Hospice" in text

    # save, change a term, download the redline against the saved version
    # saving submits the form: wait for the old page to go, so its "No errors" cannot pass for the new one's
    old_status = driver.find_element(By.ID, "status")
    driver.find_element(By.ID, "save").click()
    wait.until(expected_conditions.staleness_of(old_status))
    wait.until(lambda d: "Saved" in d.find_element(By.ID, "status").text or "No errors" in
               d.find_element(By.ID, "status").text)
    assert "riverside-hospice" in (deals / "riverside-2027.yaml").read_text()
    preview_has("Riverside Hospice")
    type_into("partners[3].legal_name", "Riverside Community Hospice Limited")
    preview_has("Riverside Community Hospice Limited")
    driver.find_element(By.ID, "download-redline").click()
    redline = zipfile.ZipFile(downloaded(downloads, ".redline.docx"))
    xml = redline.read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml and "Community" in xml
