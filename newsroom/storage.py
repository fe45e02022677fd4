from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files once collectstatic has run; plain names before.

    Tests and development run without collectstatic, so a file missing from
    the manifest (or from STATIC_ROOT) is served under its plain name.
    """

    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            return name
