"""What the browser tests share: a logged-in page, a fresh page of a given size, screenshots on request."""

from pathlib import Path

from tests.factories import PASSWORD


def login(page, live_server, username: str) -> None:
    """Log in through the login form; every role lands on /staff/ first."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")


def new_page(browser, width: int = 1280, height: int = 900, **options):
    """A page in a context of its own (Thai locale), confirm() dialogs accepted (submit, withdraw,
    demolish ask first)."""
    context = browser.new_context(locale="th-TH", viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def shot(page, directory: str | None, name: str, *, full_page: bool = True) -> None:
    """A screenshot ``<directory>/<name>.png`` when a directory is given (an environment variable of
    the test module: the pictures are looked at by people, not compared)."""
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=full_page)
