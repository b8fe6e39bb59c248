"""ConfigDict as ml_collections pickles it: class ml_collections.config_dict.config_dict.ConfigDict, built by
copyreg.__newobj__ and given its __dict__ ({'_fields', '_locked', '_type_safe', '_convert_dict'}) as state, so a
checkpoint written with this shim has the layout of one written with the real library."""


class ConfigDict:
    def __init__(self):
        object.__setattr__(self, "_fields", {})
        object.__setattr__(self, "_locked", False)
        object.__setattr__(self, "_type_safe", True)
        object.__setattr__(self, "_convert_dict", True)

    def __getattr__(self, name):
        fields = self.__dict__.get("_fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(name)

    def __setattr__(self, name, value):
        self._fields[name] = value

    def __setstate__(self, state):
        self.__dict__.update(state)
