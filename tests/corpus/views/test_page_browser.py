"""The side-by-side page in a real browser (headless Chromium through selenium): it loads without console
errors, shows every segment as text (a <script> segment never runs), and its search, filters, sorting,
keyboard navigation and column controls work. One browser session for the whole module."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import polars as pl
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from corpus.views.page import write_compare_page, write_page
from corpus.formats.table import units_frame
from test_page_render import trilingual_rows, trilingual_units, translation_units

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p and Path(p).exists()), None)
CHROMEDRIVER = next((p for p in ("/usr/bin/chromedriver", shutil.which("chromedriver")) if p and Path(p).exists()),
                    None)
pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no Chromium/chromedriver found (Debian: apt-get install chromium chromium-driver); browser tests skipped",
)]


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,1000"):
        options.add_argument(arg)
    profile = tempfile.mkdtemp(prefix="corpus-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path) -> None:
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))


def console_errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def visible_rows(driver) -> list:
    return driver.execute_script("return [...document.querySelectorAll('#rows .row:not([hidden])')]"
                                 ".map(r => r.querySelector('.uid').textContent)")


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    path = write_page(trilingual_units(), tmp_path_factory.mktemp("page") / "letter.html", title="Letter & <Co>")
    browser.get_log("browser")  # start with an empty log
    open_page(browser, path)
    return path


def reset(driver):
    driver.execute_script("""
        const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'));
        for (const id of ['f-flagged', 'f-low', 'f-gap']) document.getElementById(id).checked = false;
        const sort = document.getElementById('sort'); sort.value = 'doc'; sort.dispatchEvent(new Event('change'));
        window.__corpusPage.apply();""")
    driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape: clear the current mark


def test_loads_without_console_errors_and_shows_every_row(browser, page, tmp_path):
    assert console_errors(browser) == []
    assert browser.title == "Letter & <Co>"
    assert visible_rows(browser) == [f"#{i}" for i in range(7)]
    browser.save_screenshot(str(tmp_path / "letter.png"))
    assert (tmp_path / "letter.png").stat().st_size > 10_000


def test_every_segment_appears_as_text_and_none_runs(browser, page):
    text = browser.execute_script("return document.getElementById('rows').textContent")
    for segment in trilingual_units().get_column("text").to_list():
        assert segment in text
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.scripts.length") == 2
    assert browser.find_elements(By.CSS_SELECTOR, "#rows script, #rows b, #rows i") == []


def test_half_empty_rows_show_where_a_language_is_missing(browser, page):
    empty = browser.execute_script(
        "return [...document.querySelectorAll('.row')].map(r => [...r.querySelectorAll('.cell')]"
        ".map(c => c.classList.contains('empty') ? 0 : 1).join(''))")
    assert empty == ["110", "111", "111", "001", "111", "100", "111"]


def test_search_filters_rows_in_any_language(browser, page):
    reset(browser)
    search = browser.find_element(By.ID, "search")
    for query, expected, marked in (("lesesäle", ["#4"], 1), ("哈特曼", ["#1"], 1), ("PHOTOGRAPHS", ["#1"], 1),
                                    ("script", ["#2"], 5), ("no such words", [], 0)):
        search.clear()
        search.send_keys(query)
        WebDriverWait(browser, 5).until(lambda d: visible_rows(d) == expected)
        # the words found are highlighted in the text
        assert browser.execute_script("const h = CSS.highlights.get('search'); return h ? h.size : 0") == marked
    assert browser.find_element(By.ID, "empty").is_displayed()
    reset(browser)
    assert len(visible_rows(browser)) == 7


def test_flagged_low_and_gap_filters(browser, page):
    reset(browser)
    browser.find_element(By.ID, "f-flagged").click()
    assert visible_rows(browser) == ["#2", "#3", "#4", "#6"]
    browser.find_element(By.ID, "f-flagged").click()
    browser.find_element(By.ID, "f-low").click()
    assert visible_rows(browser) == ["#4", "#6"]  # worst fidelity 0.42 and 0.35 < 0.5
    low = browser.find_element(By.ID, "low")
    low.clear()
    low.send_keys("0.65\n")
    browser.execute_script("document.getElementById('low').dispatchEvent(new Event('change'))")
    assert visible_rows(browser) == ["#2", "#4", "#6"]
    browser.find_element(By.ID, "f-low").click()
    browser.find_element(By.ID, "f-gap").click()
    assert visible_rows(browser) == ["#0", "#3", "#5"]
    low.clear()
    low.send_keys("0.5")
    browser.execute_script("document.getElementById('low').dispatchEvent(new Event('change'))")
    reset(browser)


def test_sort_by_fidelity(browser, page):
    reset(browser)
    Select(browser.find_element(By.ID, "sort")).select_by_value("score-asc")
    assert visible_rows(browser) == ["#6", "#4", "#2", "#1", "#0", "#3", "#5"]  # unscored last
    Select(browser.find_element(By.ID, "sort")).select_by_value("doc")
    assert visible_rows(browser) == [f"#{i}" for i in range(7)]


def test_keyboard_goes_to_next_and_previous_problem(browser, page):
    reset(browser)
    body = browser.find_element(By.TAG_NAME, "body")
    current = lambda: browser.execute_script(  # noqa: E731
        "const r = document.querySelector('.row.current'); return r && r.querySelector('.uid').textContent")
    body.send_keys("j")
    assert current() == "#0"  # lacks German: a gap
    body.send_keys("j")
    assert current() == "#2"  # flagged
    body.send_keys("n")
    assert current() == "#3"
    body.send_keys("k")
    assert current() == "#2"
    assert "problem 2 of 6" in browser.find_element(By.ID, "navstatus").text
    browser.find_element(By.ID, "f-flagged").click()  # navigation follows the filter
    body.send_keys("j")
    assert current() == "#3"
    body.send_keys("j")
    assert current() == "#4"
    reset(browser)
    body.send_keys("/")
    assert browser.switch_to.active_element.get_attribute("id") == "search"


def test_a_unit_has_an_address(browser, page):
    browser.get(page.resolve().as_uri() + "#unit-4")
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
    assert browser.find_element(By.CSS_SELECTOR, ".row.current .uid").text == "#4"
    browser.find_element(By.CSS_SELECTOR, ".row:nth-child(7) .uid").click()
    assert browser.find_element(By.CSS_SELECTOR, ".row.current .uid").text == "#6"
    assert browser.execute_script("return location.hash") == "#unit-6"
    browser.find_element(By.TAG_NAME, "body").send_keys("k")  # navigation goes on from the marked unit
    assert browser.find_element(By.CSS_SELECTOR, ".row.current .uid").text == "#5"
    open_page(browser, page)  # back to the plain page for the other tests


def test_columns_can_be_hidden_and_reordered(browser, page):
    reset(browser)
    x = lambda sel: browser.execute_script(  # noqa: E731
        f"const e = document.querySelector('{sel}'); return e.offsetWidth ? e.getBoundingClientRect().left : null")
    assert x("#colhead .c0") < x("#colhead .c1") < x("#colhead .c2")
    browser.find_element(By.CSS_SELECTOR, "details.cols > summary").click()
    browser.find_element(By.CSS_SELECTOR, "[aria-label='move en right']").click()
    assert x("#colhead .c1") < x("#colhead .c0") < x("#colhead .c2")
    assert x(".row .c1") < x(".row .c0")  # the cells follow their heads
    browser.find_element(By.ID, "col-2").click()  # hide de
    assert x("#colhead .c2") is None and x(".row .c2") is None
    browser.find_element(By.ID, "col-2").click()
    browser.find_element(By.CSS_SELECTOR, "[aria-label='move en left']").click()
    assert x("#colhead .c0") < x("#colhead .c1")


def test_matching_numbers_share_a_colour_and_mismatches_stand_out(browser, page):
    from selenium.webdriver.common.action_chains import ActionChains

    reset(browser)
    marks = browser.find_elements(By.CSS_SELECTOR, ".row:nth-child(5) .mk")
    for mark in marks:  # tooltips are written on first hover
        ActionChains(browser).move_to_element(mark).perform()
    by_text = {m.text: (m.get_attribute("class"), m.get_attribute("title")) for m in marks}
    assert by_text["40"][0] == "mk g0 part" and "not found in zh" in by_text["40"][1]
    assert by_text["45"][0] == "mk bad" and "not found in en de" in by_text["45"][1]
    colours = browser.execute_script(
        "return [...document.querySelectorAll('.row')[1].querySelectorAll('.mk')]"
        ".map(m => [m.textContent, getComputedStyle(m).backgroundColor])")
    by_colour = {}
    for text, colour in colours:
        by_colour.setdefault(colour, []).append(text)
    assert sorted(by_colour.values()) == [["12,500", "12500", "12.500"], ["2023", "2023", "2023"],
                                          ["Hartmann", "Hartmann-Stiftung"]]
    flag = browser.find_element(By.CSS_SELECTOR, ".row:nth-child(5) .flag")
    assert flag.text == "number-mismatch" and "Numbers" in flag.get_attribute("title")
    chip = browser.find_element(By.CSS_SELECTOR, ".row:nth-child(5) .meta .score")
    ActionChains(browser).move_to_element(chip).perform()
    assert "0.42" in chip.get_attribute("title") and "below the threshold" in chip.get_attribute("title")


@pytest.mark.parametrize("extra", [0, 2], ids=["2-languages", "5-languages"])
def test_two_to_five_languages_fit_side_by_side(browser, tmp_path, extra):
    rows = trilingual_rows()
    if extra:
        rows += [dict(corpus="letter", unit_id=4, lang="fr", text="Nous avons ouvert 40 salles de lecture."),
                 dict(corpus="letter", unit_id=4, lang="ar", text="افتتحنا 40 غرفة قراءة في ثلاث مدن.")]
    units = units_frame(rows)
    langs = ["en", "de"] if not extra else ["en", "zh", "de", "fr", "ar"]
    path = write_page(units, tmp_path / "langs.html", langs=langs)
    browser.get_log("browser")
    open_page(browser, path)
    assert console_errors(browser) == []
    heads = browser.execute_script(
        "return [...document.querySelectorAll('#colhead > div')].slice(1).map(h => {"
        "const r = h.getBoundingClientRect(); return [h.firstChild.textContent, r.left, r.right]})")
    assert [h[0] for h in heads] == langs
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert all(left < right <= width + 1 for _, left, right in heads)
    assert heads == sorted(heads, key=lambda h: h[1])  # left to right in the chosen order
    if extra:
        assert browser.execute_script("return document.querySelector('.row:nth-child(5) .c4').dir") == "rtl"
        forty = browser.execute_script(
            "return [...document.querySelectorAll('.row:nth-child(5) .mk')].filter(m => m.textContent === '40')"
            ".map(m => m.className)")
        assert len(forty) == 4 and len(set(forty)) == 1  # en, de, fr, ar: one colour


def test_two_translations_page(browser, tmp_path):
    a = translation_units(["Das Archiv öffnet um 9 Uhr.", "Besucher müssen sich anmelden.",
                           "Fotos dürfen nicht kopiert werden.", "Danke für Ihre Geduld."])
    b = translation_units(["Das Archiv öffnet um 10 Uhr.", "Besucher müssen sich registrieren.",
                           "Fotos dürfen nicht kopiert werden.", "Vielen Dank für Ihre Geduld."],
                          extra=(1, "<script>window.__pwned=3</script>", "<img src=x onerror=window.__pwned=4>"))
    path = write_compare_page(a, b, tmp_path / "compare.html", names=("a.tmx", "b.tmx"))
    browser.get_log("browser")
    open_page(browser, path)
    assert console_errors(browser) == []
    assert browser.execute_script("return window.__pwned === undefined")
    assert len(visible_rows(browser)) == 5
    assert browser.find_element(By.CSS_SELECTOR, ".row:nth-child(1) .c1 .dA").text == "9"
    assert browser.find_element(By.CSS_SELECTOR, ".row:nth-child(1) .c2 .dB").text == "10"
    assert browser.find_element(By.CSS_SELECTOR, ".row:nth-child(4) .meta .sw").text == "100.0"
    browser.save_screenshot(str(tmp_path / "compare.png"))


def test_every_segment_of_a_tmx_file_appears(browser, tmp_path):
    from corpus.formats.tmx import read_tmx, write_tmx

    write_tmx(trilingual_units(), tmp_path / "letter.tmx", include_single=True)
    units = read_tmx(tmp_path / "letter.tmx")
    path = write_page(units, tmp_path / "letter.html")
    browser.get_log("browser")
    open_page(browser, path)
    assert console_errors(browser) == []
    cells = browser.execute_script(
        "return [...document.querySelectorAll('#rows .cell:not(.empty)')].map(c => c.firstChild ? "
        "[...c.childNodes].filter(n => !(n.classList && n.classList.contains('foot'))).map(n => n.textContent).join('')"
        " : '')")
    assert sorted(cells) == sorted(units.get_column("text").to_list())
    assert browser.execute_script("return window.__pwned === undefined")


def test_an_empty_table_gives_a_working_page(browser, tmp_path):
    from corpus.formats.table import empty_units

    path = write_page(empty_units(), tmp_path / "empty.html")
    browser.get_log("browser")
    open_page(browser, path)
    assert console_errors(browser) == []
    assert visible_rows(browser) == [] and browser.find_element(By.ID, "empty").is_displayed()


def test_ten_thousand_units_load_and_filter(browser, tmp_path):
    n_units = 7
    copies = 10_000 // n_units + 1
    # unit ids: each copy of the 7 units gets its own block of ids
    big = units_frame(pl.concat([trilingual_units().with_columns(unit_id=pl.col("unit_id") + k * n_units)
                                 for k in range(copies)]).filter(pl.col("unit_id") < 10_000))
    path = write_page(big, tmp_path / "big.html")
    browser.get_log("browser")
    open_page(browser, path)
    assert console_errors(browser) == []
    assert browser.execute_script("return document.querySelectorAll('#rows .row').length") == 10_000
    ms = browser.execute_script("""
        const t = performance.now(); const s = document.getElementById('search');
        s.value = 'lesesäle'; window.__corpusPage.apply(); document.body.offsetHeight;
        return performance.now() - t;""")
    assert len(visible_rows(browser)) == len(range(4, 10_000, 7))
    browser.execute_script("const s = document.getElementById('search'); s.value = ''; window.__corpusPage.apply()")
    Select(browser.find_element(By.ID, "sort")).select_by_value("score-asc")
    first = browser.execute_script("return [...document.querySelectorAll('#rows .row')].slice(0, 3)"
                                   ".map(r => r.querySelector('.meta .sw').textContent)")
    assert first == ["0.35"] * 3
    # with nothing marked, the next problem is looked for from where the reader has scrolled to
    Select(browser.find_element(By.ID, "sort")).select_by_value("doc")
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight / 2)")
    browser.execute_script("window.__corpusPage.step(1)")
    unit = int(browser.find_element(By.ID, "navstatus").text.rsplit("#", 1)[1])
    assert 2_000 < unit < 8_000
    timing = browser.execute_script("return window.__corpusPage.timing")
    print(f"\n10,000 units: first rows after {timing['firstRowsMs']:.0f} ms, all rows after "
          f"{timing['allRowsMs']:.0f} ms (longest task {timing['longestTaskMs']:.0f} ms), ready "
          f"{timing['readyAtMs']:.0f} ms after navigation; one search {ms:.0f} ms")
