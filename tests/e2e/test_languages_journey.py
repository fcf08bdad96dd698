"""The forum in Arabic (right to left), French and Spanish, in a real browser: the footer
switcher, mirrored layout, translated chrome, a composer in each language, an English reply
reading left to right inside an Arabic page, and search across languages."""

from __future__ import annotations

import pytest

from tests.e2e.people import register

pytestmark = pytest.mark.browser

BOARD = "/n/oic-oshnet/confined-spaces"


def switch_to(page, language_name: str) -> None:  # noqa: ANN001
    page.locator(".language-switcher").get_by_role("button", name=language_name).click()
    page.wait_for_load_state()


def box(page, selector: str) -> dict:  # noqa: ANN001
    return page.locator(selector).first.bounding_box()


def test_arabic_mirrors_the_whole_layout(browser, server: str, screenshot) -> None:  # noqa: ANN001
    page = register(browser, server, "mariam.benali")
    switch_to(page, "العربية")
    assert page.evaluate("[document.documentElement.lang, document.dir]") == ["ar", "rtl"]

    # chrome translated, and the header mirrored: the brand now sits at the right
    nav = page.get_by_role("navigation", name="الرئيسية")
    nav.get_by_role("link", name="المحاور").wait_for()
    assert box(page, ".brand")["x"] > box(page, ".site-nav")["x"]
    assert page.locator(".language-switcher [aria-current]").inner_text() == "العربية"
    screenshot(page, "ar-home")

    page.goto(server + BOARD)
    page.get_by_role("heading", name="الأماكن المحصورة", exact=True).wait_for()
    page.get_by_role("link", name="ابدأ موضوعًا").first.click()
    page.get_by_label("العنوان").fill("كيف نختبر الهواء قبل دخول الخزان؟")
    page.get_by_label("الرسالة").fill("نقيس الأكسجين أولًا ثم الغازات القابلة للاشتعال.")
    screenshot(page, "ar-composer")
    page.get_by_role("button", name="نشر الموضوع").click()
    page.get_by_text("نُشر موضوعك.").wait_for()
    thread_url = page.url

    # an English reply keeps its own direction inside the Arabic page
    helper = register(browser, server, "siti.helper")
    helper.goto(thread_url)
    helper.get_by_label("Your reply").fill("Oxygen first, then LEL, then H2S.")
    helper.get_by_role("button", name="Post reply").click()
    helper.get_by_text("Your reply is posted.").wait_for()

    page.goto(thread_url)
    bodies = page.locator(".post-body")
    directions = bodies.evaluate_all("els => els.map(e => getComputedStyle(e).direction)")
    assert directions == ["rtl", "ltr"]
    assert page.locator(".content-language").inner_text() == "English"
    screenshot(page, "ar-thread")
    page.goto(server + BOARD)
    screenshot(page, "ar-board")


@pytest.mark.parametrize(
    ("language", "chrome", "start", "title", "body", "post", "posted", "query"),
    [
        ("Français", "Réseaux", "Lancer un sujet", "Titre", "Message", "Publier le sujet",
         "Votre sujet est publié.", "espace confiné"),
        ("Español", "Redes", "Abrir un hilo", "Título", "Mensaje", "Publicar el hilo",
         "Tu hilo está publicado.", "espacio confinado"),
    ],
    ids=["fr", "es"],
)  # fmt: skip
def test_french_and_spanish_read_left_to_right_and_find_their_words(  # noqa: PLR0913
    browser,  # noqa: ANN001
    server: str,
    screenshot,  # noqa: ANN001
    language: str,
    chrome: str,
    start: str,
    title: str,
    body: str,
    post: str,
    posted: str,
    query: str,
) -> None:
    code = {"Français": "fr", "Español": "es"}[language]
    page = register(browser, server, f"writer.{code}")
    switch_to(page, language)
    assert page.evaluate("[document.documentElement.lang, document.dir]") == [code, "ltr"]
    page.get_by_role("navigation").get_by_role("link", name=chrome).first.wait_for()
    assert box(page, ".brand")["x"] < box(page, ".site-nav")["x"]
    screenshot(page, f"{code}-home")

    written = {
        "fr": ("Ventilation des espaces confinés", "Ventilez les espaces confinés avant l'entrée."),
        "es": ("Ventilación de espacios confinados", "Ventilen los espacios confinados antes."),
    }[code]
    page.goto(server + BOARD)
    screenshot(page, f"{code}-board")
    page.get_by_role("link", name=start).first.click()
    page.get_by_label(title, exact=True).fill(written[0])
    page.get_by_label(body, exact=True).fill(written[1])
    screenshot(page, f"{code}-composer")
    page.get_by_role("button", name=post).click()
    page.get_by_text(posted).wait_for()
    screenshot(page, f"{code}-thread")

    page.goto(server + "/search?q=" + query)
    page.get_by_role("link", name=written[0]).wait_for()
