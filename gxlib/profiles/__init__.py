"""Format profiles: the data that describes each report template version.

``available()`` lists profile ids, ``get(id)`` returns one, ``load_file(path)`` reads a profile
file, ``register(profile)`` adds one at run time, ``refresh()`` re-discovers plugins.
"""

from gxlib.profiles.loading import load_file, loads, profile_from_dict, profile_to_dict
from gxlib.profiles.model import (
    Column,
    Detection,
    FactCheck,
    FactPattern,
    FactSpec,
    FactSyntax,
    Group,
    Profile,
    Row,
    Rule,
    Section,
    Signal,
    Table,
    Unit,
    ValueSyntax,
)
from gxlib.profiles.registry import (
    ENTRY_POINT_GROUP,
    GxlibPluginWarning,
    all_profiles,
    available,
    bundled_profile_dir,
    get,
    origin,
    refresh,
    register,
    registered,
    unregister,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Column",
    "Detection",
    "FactCheck",
    "FactPattern",
    "FactSpec",
    "FactSyntax",
    "Group",
    "GxlibPluginWarning",
    "Profile",
    "Row",
    "Rule",
    "Section",
    "Signal",
    "Table",
    "Unit",
    "ValueSyntax",
    "all_profiles",
    "available",
    "bundled_profile_dir",
    "get",
    "load_file",
    "loads",
    "origin",
    "profile_from_dict",
    "profile_to_dict",
    "refresh",
    "register",
    "registered",
    "unregister",
]
