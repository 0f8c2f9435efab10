"""Build the plugin manager for a region and read validated market data through it.

Three sources of plugins, all ordinary pluggy plugins:

1. ``DEFAULT_PLUGINS``: always on (CLDR formatting, the local translator); registered with
   ``trylast`` hook implementations so anything else answering the same hook wins.
2. Built-in market plugins (``plugins/markets/<code>/``), named ``market-<code>``.
3. Third-party plugins from the ``crosslive`` entry-point group, named by their entry point.

A region's ``plugins`` list says which of (2) and (3) are on; ``None`` means all of them (the
embedded platform and the plugin tools). Every accessor calls its hook through pluggy
(``self.hook.<name>(...)``), so ``firstresult``, ``tryfirst``/``trylast``, wrappers and pluggy's
tracing apply to every plugin, and validates the answer against ``plugins.types``. Only when an
answer is malformed (or a hook raises) does the manager call the implementations one by one, to
name the plugin in the ``PluginError``. Every answer is validated when the manager is built, so
a plugin returning bad data stops the region from starting, rather than failing at run time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from importlib.metadata import entry_points
from types import CodeType, TracebackType
from typing import Any, TypeVar

import pluggy
from pydantic import BaseModel, TypeAdapter, ValidationError

from plugins import hookspecs
from plugins.hookspecs import hookimpl
from plugins.types import (
    CampaignViolation,
    ComplianceRule,
    ContactWords,
    CouponPolicy,
    CouponTexts,
    DataResidency,
    FaqAnswer,
    HookError,
    LanguageGuess,
    LexiconEntry,
    MarketProfile,
    ModerationPolicy,
    RoutingPreference,
    ToxicityScore,
    Translation,
)

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME

# name -> "module" or "module:factory"; a factory is called with no arguments.
DEFAULT_PLUGINS: dict[str, str] = {
    "cldr-formatting": "plugins.builtin.formatting",
    "local-translation": "plugins.builtin.local_translation:plugin",
    "local-language-detection": "plugins.builtin.language_detection",
    "coupon-texts": "plugins.builtin.coupon_texts",
    "local-sentiment": "plugins.builtin.sentiment_lexicon:plugin",
}
# Optional built-ins that a region turns on by name (besides the markets).
# (The AWS-backed ones, e.g. Amazon Translate and Comprehend toxicity, are added here.)
OPTIONAL_PLUGINS: dict[str, str] = {
    "aws-translate": "plugins.builtin.aws_translate:plugin",
    "comprehend-toxicity": "plugins.builtin.comprehend_toxicity:plugin",
    "comprehend-sentiment": "plugins.builtin.comprehend_sentiment:plugin",
    "learned-toxicity": "plugins.builtin.learned_toxicity:plugin",
}

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "OPTIONAL_PLUGINS",
    "CrossliveManager",
    "PluginError",
    "UnknownMarketError",
    "build_plugin_manager",
    "builtin_market_plugins",
    "cached_plugin_manager",
    "hookimpl",
    "known_plugin_names",
]

M = TypeVar("M", bound=BaseModel)


class PluginError(Exception):
    """A plugin is unknown, fails to load, or returned data of the wrong shape."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin!r}: {message}")
        self.plugin = plugin


class UnknownMarketError(LookupError):
    """No enabled plugin provides a profile for this market code."""

    def __init__(self, market: str) -> None:
        super().__init__(f"unknown market {market!r}")
        self.market = market


def _load_target(target: str) -> object:
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    if not attr:
        return module
    factory = getattr(module, attr)
    return factory() if callable(factory) and not isinstance(factory, type) else factory


def builtin_market_plugins() -> dict[str, Callable[[], object]]:
    """Built-in market plugins by name (``market-id`` ...), created lazily from their data."""
    from plugins.markets import available_markets, market_plugin

    return {f"market-{code.lower()}": partial(market_plugin, code) for code in available_markets()}


def known_plugin_names(*, include_entry_points: bool = True) -> list[str]:
    """Every plugin name a region file may enable on this installation."""
    names = set(OPTIONAL_PLUGINS) | set(builtin_market_plugins())
    if include_entry_points:
        names |= {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(names)


class CrossliveManager(pluggy.PluginManager):
    """A ``pluggy.PluginManager`` with typed, cached accessors for what functions need."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self._cache: dict[tuple[str, ...], Any] = {}

    # -- generic ----------------------------------------------------------------------------

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register like pluggy, and forget cached answers (the new plugin may change them)."""
        self._cache.clear()
        return super().register(plugin, name)

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any:
        """Unregister like pluggy, and forget cached answers."""
        self._cache.clear()
        return super().unregister(plugin, name)

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of a hook separately: ``[(plugin_name, result), ...]``.

        In pluggy's call order, wrappers left out (they only make sense around a whole call).
        Only for validating and reporting which plugin said what (``crosslive plugins list``, the
        conformance suite, naming a plugin that returned bad data); everything else calls
        ``self.hook.<name>(...)``. A raising implementation raises ``PluginError`` naming it.
        """
        caller = getattr(self.hook, hook_name)
        results = []
        for impl in reversed(caller.get_hookimpls()):  # pluggy calls the last-registered first
            if impl.wrapper or impl.hookwrapper:
                continue
            params = (*impl.argnames, *impl.kwargnames)
            args = {k: v for k, v in kwargs.items() if k in params}
            try:
                results.append((impl.plugin_name, impl.function(**args)))
            except HookError:
                raise
            except Exception as exc:
                raise _raised(impl.plugin_name, hook_name, exc) from exc
        return results

    def call(self, hook_name: str, **kwargs: Any) -> Any:
        """``self.hook.<hook_name>(**kwargs)``, with an exception from a plugin named.

        A ``HookError`` (part of a hook's contract, e.g. ``TextTooLongError``) passes through;
        anything else a plugin raises becomes ``PluginError`` naming that plugin, found by the
        implementation's frame in the traceback.
        """
        caller = getattr(self.hook, hook_name)
        try:
            return caller(**kwargs)
        except HookError:
            raise
        except Exception as exc:
            raise _raised(_plugin_in_traceback(caller, exc.__traceback__), hook_name, exc) from exc

    def wrappers(self, hook_name: str) -> list[str]:
        """Names of the plugins wrapping ``hook_name`` (``wrapper=True`` or old-style)."""
        impls = getattr(self.hook, hook_name).get_hookimpls()
        return [impl.plugin_name for impl in reversed(impls) if impl.wrapper or impl.hookwrapper]

    def implementations(self) -> dict[str, list[str]]:
        """Hook name -> names of the plugins implementing it, in call order (wrappers included)."""
        return {
            name: [impl.plugin_name for impl in reversed(getattr(self.hook, name).get_hookimpls())]
            for name in sorted(self.hook.__dict__)
            if not name.startswith("_")
        }

    def _cached(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _blame(self, hook_name: str, check: Callable[[str, Any], object], **kwargs: Any) -> PluginError:
        """The error naming the plugin whose answer fails ``check`` (called one by one).

        When every plugin's own answer passes, a wrapper changed the result: name the wrappers.
        """
        for plugin, result in self.call_each(hook_name, **kwargs):
            try:
                check(plugin, result)
            except PluginError as exc:
                return exc
        wrappers = ", ".join(self.wrappers(hook_name)) or "pluggy"
        return PluginError(wrappers, f"{hook_name} returned bad data after its wrappers")

    def _collect(self, hook_name: str, model: type[M], **kwargs: Any) -> list[M]:
        """Every plugin's list answer through pluggy, concatenated and validated."""
        items: list[M] = []
        for result in self.call(hook_name, **kwargs):
            if not result:
                continue
            try:  # one call into pydantic-core for the whole list (lexicons run to thousands)
                items.extend(_list_adapter(model).validate_python(result))
            except ValidationError:
                raise self._blame(hook_name, partial(_check_list, hook_name, model), **kwargs) from None
        return items

    def _first(self, hook_name: str, model: type[M], **kwargs: Any) -> M | None:
        """The first non-None answer through pluggy (a firstresult hook), validated."""
        result = self.call(hook_name, **kwargs)
        if result is None:
            return None
        try:
            return model.model_validate(result)
        except ValidationError:
            raise self._blame(hook_name, partial(_check_one, hook_name, model), **kwargs) from None

    # -- markets ----------------------------------------------------------------------------

    def market_codes(self) -> list[str]:
        def compute() -> list[str]:
            answers = self.call("market_codes")
            if not all(_is_code_list(codes) for codes in answers):
                raise self._blame("market_codes", _check_codes)
            return sorted({code for codes in answers for code in codes})

        return list(self._cached(("market_codes",), compute))

    def market_profile(self, market: str) -> MarketProfile:
        """The validated profile of ``market``; ``UnknownMarketError`` if no plugin has it."""
        code = market.upper()
        profile = self._cached(
            ("market_profile", code), lambda: self._first("market_profile", MarketProfile, market=code)
        )
        if profile is None:
            raise UnknownMarketError(market)
        return profile

    def viewer_markets(self) -> list[MarketProfile]:
        return [p for p in map(self.market_profile, self.market_codes()) if not p.home_market_only]

    # -- moderation and compliance ----------------------------------------------------------

    def moderation_lexicon(self, market: str) -> list[LexiconEntry]:
        return self._cached(
            ("moderation_lexicon", market),
            lambda: self._collect("moderation_lexicon", LexiconEntry, market=market),
        )

    def moderation_policy(self, market: str) -> ModerationPolicy:
        return self._cached(
            ("moderation_policy", market),
            lambda: self._first("moderation_policy", ModerationPolicy, market=market) or ModerationPolicy(),
        )

    def contact_words(self, market: str) -> list[ContactWords]:
        return self._cached(
            ("contact_words", market),
            lambda: self._collect("contact_words", ContactWords, market=market),
        )

    def compliance_rules(self, market: str) -> list[ComplianceRule]:
        return self._cached(
            ("compliance_rules", market),
            lambda: self._collect("compliance_rules", ComplianceRule, market=market),
        )

    def classify_toxicity(self, texts: list[str], language: str) -> list[ToxicityScore] | None:
        result = self.call("classify_toxicity", texts=texts, language=language)
        if result is None:
            return None
        check = partial(_check_scores, len(texts))
        try:
            return check("", result)
        except PluginError:
            raise self._blame("classify_toxicity", check, texts=texts, language=language) from None

    def sentiment_polarity(self, texts: list[str], language: str) -> list[float] | None:
        """One polarity in [-1, 1] per text, or ``None`` when no plugin scores ``language``."""
        result = self.call("sentiment_polarity", texts=texts, language=language)
        if result is None:
            return None
        check = partial(_check_polarities, len(texts))
        try:
            return check("", result)
        except PluginError:
            raise self._blame("sentiment_polarity", check, texts=texts, language=language) from None

    # -- localization -----------------------------------------------------------------------

    def detect_language(self, text: str, candidates: Iterable[str] = ()) -> LanguageGuess | None:
        return self._first("detect_language", LanguageGuess, text=text, candidates=list(candidates))

    def translate(self, text: str, source: str, target: str) -> Translation | None:
        return self._first("translate", Translation, text=text, source=source, target=target)

    def phrasebook(self, language: str) -> dict[str, dict[str, str]]:
        def compute() -> dict[str, dict[str, str]]:
            merged: dict[str, dict[str, str]] = {}
            for result in reversed(self.call("phrasebook", language=language)):
                if not _is_phrasebook(result):
                    raise self._blame("phrasebook", _check_phrasebook, language=language)
                for concept, phrases in result.items():
                    merged.setdefault(concept, {}).update(phrases)  # earlier plugins override
            return merged

        return self._cached(("phrasebook", language), compute)

    def format_price(self, amount_minor: int, currency: str, locale: str) -> str:
        text = self.call("format_price", amount_minor=amount_minor, currency=currency, locale=locale)
        if not isinstance(text, str):
            raise PluginError("format_price", "no plugin formatted the price")
        return text

    def format_datetime(self, timestamp: float, time_zone: str, locale: str) -> str:
        text = self.call("format_datetime", timestamp=timestamp, time_zone=time_zone, locale=locale)
        if not isinstance(text, str):
            raise PluginError("format_datetime", "no plugin formatted the date")
        return text

    def faq_answers(self, market: str, language: str) -> list[FaqAnswer]:
        return self._cached(
            ("faq_answers", market, language),
            lambda: self._collect("faq_answers", FaqAnswer, market=market, language=language),
        )

    # -- commerce, residency, routing -------------------------------------------------------

    def coupon_policy(self, market: str) -> CouponPolicy:
        return self._cached(
            ("coupon_policy", market),
            lambda: self._first("coupon_policy", CouponPolicy, market=market) or CouponPolicy(),
        )

    def coupon_texts(self, market: str, language: str) -> CouponTexts | None:
        """The coupon sentences every plugin gives for ``market`` in ``language``, merged key by key.

        Higher-priority plugins (installed ones, then built-in markets, then the built-in language
        file) win per key; ``None`` when no plugin has anything for the language.
        """

        def compute() -> CouponTexts | None:
            merged: CouponTexts | None = None
            for result in reversed(self.call("coupon_texts", market=market, language=language)):
                try:
                    texts = CouponTexts.model_validate(result)
                except ValidationError:
                    check = partial(_check_one, "coupon_texts", CouponTexts)
                    raise self._blame("coupon_texts", check, market=market, language=language) from None
                merged = texts if merged is None else texts.merged_over(merged)
            return merged

        return self._cached(("coupon_texts", market, language), compute)

    def check_campaign(self, market: str, campaign: dict[str, Any]) -> list[CampaignViolation]:
        return self._collect("check_campaign", CampaignViolation, market=market, campaign=campaign)

    def data_residency(self, market: str) -> DataResidency:
        return self._cached(
            ("data_residency", market),
            lambda: (
                self._first("data_residency", DataResidency, market=market)
                or DataResidency(jurisdiction="none", allowed_regions=["*"])
            ),
        )

    def routing_preference(self, market: str) -> RoutingPreference | None:
        return self._cached(
            ("routing_preference", market),
            lambda: self._first("routing_preference", RoutingPreference, market=market),
        )

    # -- validation -------------------------------------------------------------------------

    def validate(self) -> None:
        """Call every market hook for every market and validate each plugin's answer.

        Raises ``PluginError`` naming the first plugin whose data is malformed. Called when a
        region starts, so a broken plugin never reaches a viewer.
        """
        self._cache.clear()
        codes = self.market_codes()
        for code in codes:
            profile = self.market_profile(code)
            self.moderation_lexicon(code)
            self.moderation_policy(code)
            self.contact_words(code)
            self.compliance_rules(code)
            self.coupon_policy(code)
            self.data_residency(code)
            self.routing_preference(code)
            for language in profile.languages:
                self.faq_answers(code, language)
                self.phrasebook(language)
                self.coupon_texts(code, language)


@lru_cache(maxsize=32)
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _is_phrasebook(value: Any) -> bool:
    """``{concept: {language_tag: phrase}}`` with non-empty strings throughout."""
    return isinstance(value, dict) and all(
        isinstance(concept, str)
        and concept
        and isinstance(phrases, dict)
        and phrases
        and all(isinstance(k, str) and isinstance(v, str) and k and v.strip() for k, v in phrases.items())
        for concept, phrases in value.items()
    )


def _validate(plugin: str, hook_name: str, model: type[M], raw: Any) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "result"
        raise PluginError(plugin, f"{hook_name} returned bad data at {where}: {first['msg']}") from exc


def _check_one(hook_name: str, model: type[M], plugin: str, result: Any) -> M | None:
    return None if result is None else _validate(plugin, hook_name, model, result)


def _check_list(hook_name: str, model: type[M], plugin: str, result: Any) -> list[M]:
    if not result:
        return []
    if not isinstance(result, list):
        raise PluginError(plugin, f"{hook_name} must return a list")
    return [_validate(plugin, hook_name, model, raw) for raw in result]  # names the item


def _is_code_list(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset) and all(isinstance(code, str) for code in value)


def _check_codes(plugin: str, result: Any) -> None:
    if result is not None and not _is_code_list(result):
        raise PluginError(plugin, "market_codes must return a list of market codes")


def _check_phrasebook(plugin: str, result: Any) -> None:
    if result is not None and not _is_phrasebook(result):
        raise PluginError(plugin, "phrasebook must return {concept: {language: phrase}}")


def _check_polarities(count: int, plugin: str, result: Any) -> list[float]:
    if not isinstance(result, list) or len(result) != count:
        raise PluginError(plugin, f"sentiment_polarity must return a list of {count} numbers")
    out = []
    for value in result:
        if isinstance(value, bool) or not isinstance(value, int | float) or not -1.0 <= float(value) <= 1.0:
            raise PluginError(plugin, f"sentiment_polarity returned {value!r}, not a number in [-1, 1]")
        out.append(float(value))
    return out


def _check_scores(count: int, plugin: str, result: Any) -> list[ToxicityScore] | None:
    if result is None:
        return None
    if not isinstance(result, list):
        raise PluginError(plugin, "classify_toxicity must return a list")
    scores = [_validate(plugin, "classify_toxicity", ToxicityScore, r) for r in result]
    if len(scores) != count:
        raise PluginError(plugin, f"classify_toxicity returned {len(scores)} scores for {count} texts")
    return scores


def _raised(plugin: str, hook_name: str, exc: Exception) -> PluginError:
    return PluginError(plugin, f"{hook_name} raised {type(exc).__name__}: {exc}")


def _code_of(function: Callable[..., Any]) -> CodeType | None:
    return getattr(getattr(function, "__func__", function), "__code__", None)


def _plugin_in_traceback(caller: pluggy.HookCaller, tb: TracebackType | None) -> str:
    """The plugin whose implementation (innermost, wrappers included) is in the traceback."""
    owners = {_code_of(impl.function): impl.plugin_name for impl in caller.get_hookimpls()}
    found = f"(a {caller.name} implementation)"
    while tb is not None:
        found = owners.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found


def build_plugin_manager(
    enabled: Iterable[str] | None = None,
    *,
    include_entry_points: bool = True,
    extra: Iterable[tuple[str, object]] = (),
    validate: bool = True,
) -> CrossliveManager:
    """Build a manager with the default plugins plus the ``enabled`` ones (``None``: all).

    ``extra`` registers (name, plugin) pairs directly, for tests and embedding. Unknown names in
    ``enabled`` are an error: a region file must not silently lose a market.
    """
    pm = CrossliveManager()
    for name, target in DEFAULT_PLUGINS.items():
        pm.register(_load_target(target), name=name)

    wanted = None if enabled is None else list(dict.fromkeys(enabled))
    available: dict[str, Callable[[], object]] = {
        **{name: partial(_load_target, target) for name, target in OPTIONAL_PLUGINS.items()},
        **builtin_market_plugins(),
    }
    if include_entry_points:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            available[ep.name] = ep.load
    if wanted is None:
        # "All" means the markets and installed plugins; AWS-backed optional plugins stay opt-in.
        wanted = [name for name in available if name not in OPTIONAL_PLUGINS]
    missing = [name for name in wanted if name not in available]
    if missing:
        raise PluginError(missing[0], f"is not installed (known: {', '.join(sorted(available))})")
    for name in wanted:
        try:
            plugin = available[name]()
        except Exception as exc:  # a plugin that cannot even load is named, not swallowed
            raise PluginError(name, f"failed to load: {exc}") from exc
        pm.register(plugin, name=name)
    for name, plugin in extra:
        pm.register(plugin, name=name)
    pm.check_pending()
    try:  # historic: a plugin registered later gets the call too
        pm.hook.startup.call_historic(kwargs={"manager": pm})
    except Exception as exc:
        raise _raised(_plugin_in_traceback(pm.hook.startup, exc.__traceback__), "startup", exc) from exc
    if validate:
        pm.validate()
    return pm


@lru_cache(maxsize=8)
def cached_plugin_manager(enabled: tuple[str, ...] | None, validate: bool = True) -> CrossliveManager:
    """One manager per enabled-set per process (Lambda containers build it once).

    ``validate=False`` skips the upfront pass over every market's data, for deployments whose
    plugin set and data were validated when the bundle was synthesized (``infra/app.py``);
    each hook result is still validated as it is read.
    """
    return build_plugin_manager(enabled, validate=validate)
