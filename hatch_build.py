"""Build hook: a wheel without the Leaflet files that ``npm ci`` installs would serve no map."""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LEAFLET = Path("node_modules") / "leaflet" / "dist" / "leaflet.js"


class CustomBuildHook(BuildHookInterface):
    """Refuse to build a wheel (not an editable install) before ``npm ci`` has run."""

    def initialize(self, version: str, build_data: dict) -> None:
        wheel = self.target_name == "wheel" and version != "editable"
        if wheel and not (Path(self.root) / LEAFLET).is_file():
            raise RuntimeError(f"{LEAFLET} is missing: run `npm ci` before building the wheel")
