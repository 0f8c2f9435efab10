"""``crosslive plugins check``: the conformance suite a market plugin must pass.

For the plugin under test (alone with the platform's default plugins) it checks that:

* every hook it implements exists in ``plugins/hookspecs.py`` and returns valid shapes
  (``plugins/types.py``) for each market it declares and each of their languages;
* locales, languages and currencies exist in CLDR (Babel) and time zones in the IANA database;
* lexicon terms compile into an Aho-Corasick automaton (pyahocorasick, as moderation uses);
* compliance rules parse, have unique ids, and banned-term rules have terms;
* FAQ templates use only the placeholders the platform fills in, and so do coupon texts; a
  market of its own whose languages no plugin has coupon texts for is warned about (its viewers
  would read the coupon sentences in English);
* the platform starts with it next to every built-in market (``build_plugin_manager(...)``).

``check_plugin`` returns a ``CheckReport``; ``render()`` is the text the CLI prints.
"""

from __future__ import annotations

import importlib
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import distribution, entry_points
from typing import Any, Literal
from zoneinfo import available_timezones

import ahocorasick
from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from pydantic import BaseModel, ValidationError

from plugins import hookspecs
from plugins.manager import ENTRY_POINT_GROUP, PluginError, build_plugin_manager, builtin_market_plugins
from plugins.types import (
    COUPON_TEXT_PLACEHOLDERS,
    FAQ_PLACEHOLDERS,
    CampaignViolation,
    ComplianceRule,
    CouponPolicy,
    CouponTexts,
    DataResidency,
    FaqAnswer,
    LanguageGuess,
    LexiconEntry,
    MarketProfile,
    ModerationPolicy,
    RoutingPreference,
    ToxicityScore,
    Translation,
)

Status = Literal["pass", "fail", "warn"]
AWS_REGION = re.compile(r"^([a-z]{2}(-[a-z]+)+-\d|\*)$")
HOOK_NAMES = {name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "crosslive_spec")}


@dataclass
class Check:
    name: str
    status: Status
    detail: str = ""


@dataclass
class CheckReport:
    """Results of the conformance suite for one plugin."""

    plugin: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def add(self, name: str, status: Status, detail: str = "") -> None:
        self.checks.append(Check(name, status, detail))

    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    def render(self) -> str:
        marks = {"pass": "PASS", "fail": "FAIL", "warn": "WARN"}
        lines = [f"Conformance of plugin {self.plugin!r}"]
        for check in self.checks:
            lines.append(f"  {marks[check.status]}  {check.name}" + (f": {check.detail}" if check.detail else ""))
        counts = {s: sum(c.status == s for c in self.checks) for s in ("pass", "warn", "fail")}
        verdict = "conforms" if self.ok else "DOES NOT conform"
        lines.append(
            f"{self.plugin}: {verdict} ({counts['pass']} passed, {counts['warn']} warnings, {counts['fail']} failed)"
        )
        return "\n".join(lines)


# -- resolving what to check ------------------------------------------------------------------


def resolve_target(spec: str) -> list[tuple[str, object]]:
    """Plugins named by ``spec``: an installed distribution or entry point of the ``crosslive``
    group, or an importable module (``pkg.plugin`` or ``pkg.module:factory``)."""
    eps = list(entry_points(group=ENTRY_POINT_GROUP))
    chosen = [ep for ep in eps if ep.name == spec]
    if not chosen:
        try:
            dist_name = distribution(spec).metadata["Name"]
        except Exception:  # not an installed distribution
            dist_name = None
        if dist_name:
            chosen = [ep for ep in eps if ep.dist is not None and ep.dist.metadata["Name"] == dist_name]
    if chosen:
        return [(ep.name, ep.load()) for ep in chosen]
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LookupError(f"{spec!r} is neither an installed crosslive plugin nor an importable module: {exc}") from exc
    if not attr:
        return [(spec, module)]
    target = getattr(module, attr, None)
    if target is None:
        raise LookupError(f"module {module_name!r} has no attribute {attr!r}")
    if callable(target) and not isinstance(target, type):
        try:
            target = target()
        except TypeError as exc:
            raise LookupError(f"{spec!r} is a factory that needs arguments: {exc}") from exc
    return [(spec, target)]


def check_target(spec: str) -> list[CheckReport]:
    """Run the suite on every plugin ``spec`` names."""
    return [check_plugin(plugin, name=name) for name, plugin in resolve_target(spec)]


# -- the suite --------------------------------------------------------------------------------


def _implemented(plugin: object) -> set[str]:
    names = set()
    for attr in dir(plugin):
        value = getattr(plugin, attr, None)
        if callable(value) and hasattr(value, "crosslive_impl"):
            names.add(attr)
    return names


def _validate(report: CheckReport, label: str, model: type[BaseModel], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "result"
        report.add(label, "fail", f"bad data at {where}: {first['msg']}")
        return None


def _cldr(tag: str) -> bool:
    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def _call(pm: Any, name: str, hook: str, **kwargs: Any) -> tuple[bool, Any]:
    for plugin_name, result in pm.call_each(hook, **kwargs):
        if plugin_name == name:
            return True, result
    return False, None


def _guarded(report: CheckReport, label: str, fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception as exc:  # a hook that raises is a failure of that hook, reported, not fatal
        report.add(label, "fail", f"raised {type(exc).__name__}: {exc}")


def check_plugin(plugin: object, *, name: str = "plugin-under-test") -> CheckReport:
    """Run the conformance suite on one plugin object or module."""
    report = CheckReport(name)
    hooks = _implemented(plugin)
    unknown = sorted(hooks - HOOK_NAMES)
    if unknown:
        report.add("hook names", "fail", f"not in plugins/hookspecs.py: {', '.join(unknown)}")
        return report
    if not hooks:
        report.add(
            "hook names",
            "fail",
            "implements no crosslive hook (mark functions with HookimplMarker('crosslive'))",
        )
        return report
    report.add("hook names", "pass", ", ".join(sorted(hooks)))
    try:
        pm = build_plugin_manager([], include_entry_points=False, extra=[(name, plugin)], validate=False)
    except Exception as exc:
        report.add("registration", "fail", str(exc))
        return report

    markets: list[str] = []
    if "market_codes" in hooks:
        _, codes = _call(pm, name, "market_codes")
        if not isinstance(codes, list) or not all(isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c) for c in codes):
            report.add("market_codes", "fail", f"must return a list of ISO 3166-1 alpha-2 codes, got {codes!r}")
        else:
            markets = codes
            report.add("market_codes", "pass", ", ".join(codes) or "(none)")
    if not markets:  # a plugin extending built-in markets (e.g. extra lexicon) is checked against them
        markets = [label.removeprefix("market-").upper() for label in builtin_market_plugins()]
    languages: dict[str, list[str]] = {}
    for market in markets:
        _guarded(report, f"market {market}", partial(_check_market, report, pm, name, hooks, market, languages))
    all_languages = sorted({lang for langs in languages.values() for lang in langs})
    if "phrasebook" in hooks:
        _guarded(report, "phrasebook", lambda: _check_phrasebook(report, pm, name, all_languages))
    _guarded(report, "localization hooks", lambda: _check_localization(report, pm, name, hooks, all_languages))
    _check_platform(report, name, plugin)
    return report


def _check_market(
    report: CheckReport, pm: Any, name: str, hooks: set[str], market: str, languages: dict[str, list[str]]
) -> None:
    profile: MarketProfile | None = None
    if "market_profile" in hooks:
        _, raw = _call(pm, name, "market_profile", market=market)
        declared = _call(pm, name, "market_codes")[1] if "market_codes" in hooks else []
        if raw is None and market in (declared or []):
            report.add(f"{market} market_profile", "fail", "declared in market_codes but returns no profile")
        elif raw is not None:
            profile = _validate(report, f"{market} market_profile", MarketProfile, raw)
            if profile is not None:
                _check_cldr(report, profile)
    if profile is None:
        try:
            profile = build_plugin_manager(include_entry_points=False, validate=False).market_profile(market)
        except Exception:
            return
    languages[market] = list(profile.languages)

    simple: dict[str, type[BaseModel]] = {
        "moderation_policy": ModerationPolicy,
        "coupon_policy": CouponPolicy,
        "data_residency": DataResidency,
        "routing_preference": RoutingPreference,
    }
    for hook, model in simple.items():
        if hook in hooks:
            _, raw = _call(pm, name, hook, market=market)
            if raw is not None and _validate(report, f"{market} {hook}", model, raw) is not None:
                _check_regions(report, market, hook, raw)
    if "moderation_lexicon" in hooks:
        _check_lexicon(report, market, _call(pm, name, "moderation_lexicon", market=market)[1])
    if "compliance_rules" in hooks:
        _check_compliance(report, market, _call(pm, name, "compliance_rules", market=market)[1])
    if "faq_answers" in hooks:
        for language in profile.languages:
            _check_faq(report, market, language, _call(pm, name, "faq_answers", market=market, language=language)[1])
    for language in profile.languages:
        _check_coupon_texts(report, pm, name, hooks, market, language)
    if "check_campaign" in hooks:
        sample = {"market": market, "discount_percent": 10, "prior_price_minor": 1000, "price_minor": 900}
        result = _call(pm, name, "check_campaign", market=market, campaign=sample)[1]
        items = [_validate(report, f"{market} check_campaign", CampaignViolation, v) for v in result or []]
        if all(items):
            report.add(f"{market} check_campaign", "pass", f"{len(items)} violation(s) on a sample campaign")


def _check_cldr(report: CheckReport, profile: MarketProfile) -> None:
    label = f"{profile.code} CLDR"
    problems = []
    if not _cldr(profile.locale):
        problems.append(f"locale {profile.locale!r} not in CLDR")
    problems += [f"language {tag!r} not in CLDR" for tag in profile.languages if not _cldr(tag)]
    if profile.currency not in list_currencies():
        problems.append(f"currency {profile.currency!r} not in CLDR/ISO 4217")
    if profile.time_zone not in available_timezones():
        problems.append(f"time zone {profile.time_zone!r} not in the IANA database")
    if problems:
        report.add(label, "fail", "; ".join(problems))
        return
    report.add(
        label,
        "pass",
        f"{profile.locale}, {', '.join(profile.languages)}, {profile.currency}, {profile.time_zone}",
    )
    expected = (
        "rtl" if Locale.parse(profile.languages[0].replace("-", "_")).character_order == "right-to-left" else "ltr"
    )
    if profile.direction != expected:
        report.add(f"{profile.code} direction", "warn", f"CLDR says {profile.languages[0]} is {expected}")


def _check_regions(report: CheckReport, market: str, hook: str, raw: dict[str, Any]) -> None:
    regions = [r for key, value in raw.items() if key.endswith("regions") for r in value]
    bad = [r for r in regions if not AWS_REGION.match(str(r))]
    if bad:
        report.add(f"{market} {hook}", "fail", f"not AWS region names: {', '.join(map(str, bad))}")
    else:
        report.add(f"{market} {hook}", "pass")


def _check_lexicon(report: CheckReport, market: str, raw: Any) -> None:
    label = f"{market} moderation_lexicon"
    if not isinstance(raw, list):
        report.add(label, "fail", f"must return a list, got {type(raw).__name__}")
        return
    entries = [_validate(report, label, LexiconEntry, item) for item in raw]
    if not all(entries):
        return
    automaton = ahocorasick.Automaton()
    for index, entry in enumerate(entries):
        automaton.add_word(entry.term.casefold(), index)
    if entries:
        automaton.make_automaton()
    counts = Counter((e.term, e.language) for e in entries)
    duplicates = {key for key, n in counts.items() if n > 1}
    report.add(label, "pass", f"{len(entries)} terms compile")
    if duplicates:
        report.add(label, "warn", f"duplicate terms: {sorted(duplicates)[:5]}")


def _check_compliance(report: CheckReport, market: str, raw: Any) -> None:
    label = f"{market} compliance_rules"
    if not isinstance(raw, list):
        report.add(label, "fail", f"must return a list, got {type(raw).__name__}")
        return
    rules = [_validate(report, label, ComplianceRule, item) for item in raw]
    if not all(rules):
        return
    ids = [r.id for r in rules]
    problems = [f"duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"{r.id}: banned_term rule without terms" for r in rules if r.kind == "banned_term" and not r.terms]
    problems += [
        f"{r.id}: languages {bad} not in CLDR" for r in rules if (bad := [t for t in r.languages if not _cldr(t)])
    ]
    if problems:
        report.add(label, "fail", "; ".join(problems))
        return
    automaton = ahocorasick.Automaton()
    for rule in rules:
        for term in rule.terms:
            automaton.add_word(term.casefold(), rule.id)
    if len(automaton):
        automaton.make_automaton()
    report.add(label, "pass", f"{len(rules)} rules parse")


def _check_faq(report: CheckReport, market: str, language: str, raw: Any) -> None:
    label = f"{market} faq_answers[{language}]"
    if not isinstance(raw, list):
        report.add(label, "fail", f"must return a list, got {type(raw).__name__}")
        return
    answers = [_validate(report, label, FaqAnswer, item) for item in raw]
    if not all(answers):
        return
    unknown = set()
    for answer in answers:
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(answer.answer) if f is not None}
        except ValueError as exc:
            report.add(label, "fail", f"{answer.id}: malformed template: {exc}")
            return
        unknown |= fields - FAQ_PLACEHOLDERS
    if unknown:
        report.add(label, "fail", f"unknown placeholders {sorted(unknown)} (known: {sorted(FAQ_PLACEHOLDERS)})")
    elif not answers:
        report.add(label, "warn", "no FAQ templates in this language")
    else:
        report.add(label, "pass", f"{len(answers)} templates")


def _check_coupon_texts(report: CheckReport, pm: Any, name: str, hooks: set[str], market: str, language: str) -> None:
    """The plugin's coupon texts validate; its own market has every coupon sentence in ``language``."""
    label = f"{market} coupon_texts[{language}]"
    if "coupon_texts" in hooks:
        raw = _call(pm, name, "coupon_texts", market=market, language=language)[1]
        if raw is not None and _validate(report, label, CouponTexts, raw) is not None:
            report.add(label, "pass", ", ".join(sorted(k for k, v in raw.items() if v is not None)))
    own = "market_codes" in hooks and market in (_call(pm, name, "market_codes")[1] or [])
    if own:
        try:
            merged = pm.coupon_texts(market, language)
        except PluginError:
            return  # reported above
        missing = merged.missing() if merged is not None else list(COUPON_TEXT_PLACEHOLDERS)
        if missing:
            report.add(
                f"{market} coupon sentences[{language}]",
                "warn",
                f"no plugin words {', '.join(missing)} in {language}: viewers read them in English "
                f'(add [coupon_texts."{language}"] templates)',
            )


def _check_phrasebook(report: CheckReport, pm: Any, name: str, languages: Iterable[str]) -> None:
    for language in languages:
        raw = _call(pm, name, "phrasebook", language=language)[1]
        label = f"phrasebook[{language}]"
        if not isinstance(raw, dict):
            report.add(label, "fail", "must return {concept: {language: phrase}}")
            continue
        bad = [
            c
            for c, p in raw.items()
            if not isinstance(p, dict)
            or not all(isinstance(k, str) and _cldr(k) and isinstance(v, str) and v.strip() for k, v in p.items())
        ]
        if bad:
            report.add(label, "fail", f"concepts with bad phrases or unknown languages: {bad[:5]}")
        else:
            report.add(label, "pass", f"{len(raw)} concepts")


def _check_localization(report: CheckReport, pm: Any, name: str, hooks: set[str], languages: list[str]) -> None:
    sample_language = languages[0] if languages else "en"
    if "translate" in hooks:
        raw = _call(pm, name, "translate", text="Sold out.", source="en", target=sample_language)[1]
        if raw is None or _validate(report, "translate", Translation, raw) is not None:
            report.add("translate", "pass")
    if "detect_language" in hooks:
        raw = _call(pm, name, "detect_language", text="How much is this?", candidates=["en"])[1]
        if raw is None or _validate(report, "detect_language", LanguageGuess, raw) is not None:
            report.add("detect_language", "pass")
    if "classify_toxicity" in hooks:
        raw = _call(pm, name, "classify_toxicity", texts=["hello"], language=sample_language)[1]
        if raw is not None and len(raw) != 1:
            report.add("classify_toxicity", "fail", "must return one score per text")
        elif raw is None or all(_validate(report, "classify_toxicity", ToxicityScore, s) for s in raw):
            report.add("classify_toxicity", "pass")
    for hook, kwargs in {
        "format_price": {"amount_minor": 12345, "currency": "USD", "locale": "en_US"},
        "format_datetime": {"timestamp": 0.0, "time_zone": "UTC", "locale": "en_US"},
    }.items():
        if hook in hooks:
            raw = _call(pm, name, hook, **kwargs)[1]
            if raw is not None and not isinstance(raw, str):
                report.add(hook, "fail", f"must return a string or None, got {type(raw).__name__}")
            else:
                report.add(hook, "pass")


def _check_platform(report: CheckReport, name: str, plugin: object) -> None:
    """The whole platform (every built-in market) starts with the plugin registered."""
    others = [label for label in builtin_market_plugins() if label != name]  # it may replace a built-in
    try:
        build_plugin_manager(others, include_entry_points=False, extra=[(name, plugin)])
    except PluginError as exc:
        report.add("platform start", "fail", str(exc))
    except Exception as exc:
        report.add("platform start", "fail", f"{type(exc).__name__}: {exc}")
    else:
        report.add("platform start", "pass", "every built-in market validates with the plugin registered")
