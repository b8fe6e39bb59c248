from ml_collections.config_dict.config_dict import ConfigDict  # noqa: F401
