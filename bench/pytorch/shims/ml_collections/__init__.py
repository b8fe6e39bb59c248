"""Just enough of ml_collections (not packaged by Debian) to pickle `args` as the official training does."""
from ml_collections.config_dict import ConfigDict  # noqa: F401
