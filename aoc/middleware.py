from django.conf import settings
from django.utils import translation


class ThaiFirstLocaleMiddleware:
    """The portal speaks Thai unless the visitor chose English with the language switch (a cookie).

    Django's ``LocaleMiddleware`` would follow the browser's Accept-Language and show English to every
    officer whose phone or computer is set to English; here the choice is the visitor's, made once."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
