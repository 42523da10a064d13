"""The footer of keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's footer, but it dims and undims its keys in place.

    The stock footer throws its keys away and builds them afresh whenever the screen's
    bindings may have changed: on every move of focus and every `refresh_bindings()`.
    That costs tens of milliseconds at a time, enough to make search as you type lag.
    This one builds its keys afresh only when the keys shown change; when all that has
    changed is which of them work now, each key is dimmed or brightened where it is.
    """

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self._shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._update_keys)

    def _keys(self) -> tuple[tuple[object, ...], dict[str, bool]]:
        """What the keys are, and by action whether each works, as `compose` sees them."""
        shown: list[object] = []
        working: dict[str, bool] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            shown.append((binding.key, binding.action, binding.description, binding.show, tooltip))
            working.setdefault(binding.action, enabled)
        return tuple(shown), working

    async def _update_keys(self) -> None:
        if not self.is_attached:
            return
        shown, working = self._keys()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
            return
        for key in self.query(FooterKey):
            dim = not working.get(key.action, True)
            key._disabled = dim
            key.set_class(dim, "-disabled")
