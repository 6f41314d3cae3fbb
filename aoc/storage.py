from django.core.files.storage import storages


def private_storage():
    """Files with personal data (school uploads, error reports): outside MEDIA_ROOT, never served
    directly; views check permissions and stream them."""
    return storages["private"]
