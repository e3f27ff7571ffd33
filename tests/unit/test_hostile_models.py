"""Hostile diagrams: refused at upload with an error naming the problem and the element, or stopped
at run time with a `ScriptError` naming the element; never executed.

Every attack tries to create a marker file in the test's tmp_path; a fixture checks after each test
that none exists, and `test_the_attacks_are_real` shows that, unrestricted, they do create it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit import diagrams
from workflows import sandbox
from workflows.engine import Instance
from workflows.errors import ModelError, ScriptError
from workflows.models import parse_model
from workflows.sandbox import RestrictedEnvironment

MARKER = "MARKER"


@pytest.fixture(autouse=True)
def marker(tmp_path: Path) -> Iterator[str]:
    """The path attacks try to write; after the test, nothing named MARKER* may exist."""
    path = tmp_path / MARKER
    yield str(path)
    assert sorted(tmp_path.rglob(f"{MARKER}*")) == [], "an attack wrote its marker file"


def script_attacks(m: str) -> dict[str, tuple[str, str]]:
    """name -> (script, what the refusal must mention)."""
    walk = ("for c in ().__class__.__base__.__subclasses__():\n"
            "    if c.__name__ == 'catch_warnings':\n"
            f"        c()._module.__builtins__['open']({m!r}, 'w').write('x')\n")
    return {
        "import_os": (f"import os\nos.system('touch {m}')", "import"),
        "import_os_open": (f"import os; open({m!r}, 'w').write('x')", "import"),
        "from_import": (f"from os import system\nsystem('touch {m}')", "import"),
        "dunder_import": (f"__import__('os').system('touch {m}')", "__import__"),
        "subclasses_walk": (walk, "__"),
        "getattr_by_string": ("b = getattr(getattr((), '__class__'), '__base__')\n"
                              "subs = getattr(b, '__subclasses__')()", "getattr"),
        "format_attribute": ("leak = '{0.__class__.__base__}'.format(1)", "format"),
        "format_map": ("leak = '{a.__class__}'.format_map({'a': 1})", "format_map"),
        "str_format_unbound": ("leak = str.format('{0.__class__}', 1)", "format"),
        "open_builtin": (f"open({m!r}, 'w').write('x')", "open"),
        "exec_builtin": (f"exec(\"open({m!r}, 'w')\")", "exec"),
        "vars_dir": ("v = vars()\nd = dir()", "vars"),
        "generator_frame": ("g = (i for i in [1])\nf = g.gi_frame.f_globals", "f_globals"),
        "lambda_dunder": ("f = lambda: ().__class__\nc = f()", "__class__"),
        "class_tree_by_mro": ("base = Exception.mro()[-1]", "mro"),
    }


def expression_attacks(m: str) -> dict[str, tuple[str, str]]:
    """name -> (expression, what the refusal must mention)."""
    walk = ("[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'][0]()"
            f"._module.__builtins__['open']({m!r}, 'w').write('x')")
    return {
        "dunder_import": (f"__import__('os').system('touch {m}')", "__import__"),
        "subclasses_walk": (walk, "__"),
        "getattr_by_string": ("getattr(1, '__class__')", "getattr"),
        "format_attribute": ("'{0.__class__.__base__}'.format(1)", "format"),
        "format_map": ("'{a.__class__}'.format_map({'a': 1})", "format_map"),
        "str_format_unbound": ("str.format('{0.__class__}', 1)", "format"),
        "fstring_dunder": ("f'{().__class__}'", "__class__"),
        "open_builtin": (f"open({m!r}, 'w')", "open"),
        "lambda": ("(lambda: 1)()", "Lambda"),
        "generator_frame": ("(x for x in [1]).gi_frame", "gi_frame"),
        "eval_builtin": ("eval('1')", "eval"),
    }


SCRIPT_NAMES = list(script_attacks("m"))
EXPRESSION_NAMES = list(expression_attacks("m"))


def refusal(bpmn: bytes, resources: dict[str, bytes] | None = None) -> ModelError:
    with pytest.raises(ModelError) as caught:
        parse_model(bpmn, resources)
    return caught.value


def assert_names(error: Exception, *fragments: str) -> None:
    for fragment in fragments:
        assert fragment in str(error), f"{fragment!r} not in {error}"


# -- refused at upload ----------------------------------------------------------------------

@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_hostile_scripts_are_refused_at_upload(name: str, marker: str) -> None:
    script, fragment = script_attacks(marker)[name]
    error = refusal(diagrams.script_diagram(script, task_id="evil_task"))
    assert error.problems[0].element_id == "evil_task"
    assert_names(error, "element evil_task", "script refused", fragment)


DIAGRAM_KINDS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "gateway_condition": (lambda e: diagrams.gateway_diagram(e, flow_id="evil_flow"), "evil_flow"),
    "timer_expression": (lambda e: diagrams.timer_diagram(e, event_id="evil_timer"), "evil_timer"),
    "message_payload": (lambda e: diagrams.message_diagram(e, event_id="evil_message"), "evil_message"),
}


@pytest.mark.parametrize("kind", list(DIAGRAM_KINDS))
@pytest.mark.parametrize("name", EXPRESSION_NAMES)
def test_hostile_expressions_are_refused_at_upload(kind: str, name: str, marker: str) -> None:
    expression, fragment = expression_attacks(marker)[name]
    build, element = DIAGRAM_KINDS[kind]
    error = refusal(build(expression))
    assert error.problems[0].element_id == element
    assert_names(error, f"element {element}", "expression refused", fragment)


@pytest.mark.parametrize("cell", ["input", "rule", "output"])
@pytest.mark.parametrize("name", ["dunder_import", "subclasses_walk", "getattr_by_string", "format_attribute"])
def test_hostile_decision_cells_are_refused_at_upload(cell: str, name: str, marker: str) -> None:
    expression, fragment = expression_attacks(marker)[name]
    columns = {"input": (expression, '"a"', '"b"'), "rule": ("x", expression, '"b"'),
               "output": ("x", '"a"', expression)}[cell]
    element = {"input": "input_expr_1", "rule": "evil_rule_in", "output": "evil_rule_out"}[cell]
    error = refusal(diagrams.decision_diagram(), {"table.dmn": diagrams.dmn(*columns, rule_id="evil_rule")})
    assert error.problems[0].element_id == element
    assert_names(error, "table.dmn", f"element {element}", "decision cell refused", fragment)


# -- hostile files --------------------------------------------------------------------------

XXE = """<?xml version="1.0" encoding="{enc}"?>
<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<bpmn:process id="p" isExecutable="true"><bpmn:scriptTask id="leak"><bpmn:script>x = '&xxe;'</bpmn:script>
</bpmn:scriptTask></bpmn:process></bpmn:definitions>
"""

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;</bpmn:definitions>')


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16-LE"])
def test_an_external_entity_is_refused_and_never_read(encoding: str) -> None:
    data = XXE.format(enc=encoding.replace("-LE", "")).encode(encoding.lower())
    error = refusal(data)
    assert_names(error, "DOCTYPE")
    assert "root:" not in str(error)


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.process_time()
    assert_names(refusal(LAUGHS.encode()), "DOCTYPE")
    assert time.process_time() - started < 1.0


def test_a_50_megabyte_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.bpmn"
    with big.open("wb") as out:
        out.write(diagrams.HEAD.encode())
        out.write(b"<!-- " + b"x" * (50 * 1024 * 1024) + b" -->")
        out.write(b"</bpmn:definitions>")
    started = time.process_time()
    with pytest.raises(ModelError) as caught:
        parse_model(big.read_bytes(), file_name="big.bpmn")
    assert time.process_time() - started < 2.0
    assert_names(caught.value, "big.bpmn", "the limit is")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (bytes(range(256)) * 64, "not an XML document"),
        (b'{"definitions": {"process": "p"}}', "not an XML document"),
        (b"", "not an XML document"),
        (b"   \n", "not an XML document"),
        (b"<bpmn:definitions", "not well-formed XML"),
        (b"<html><script>alert(1)</script></html>", "not a BPMN 2.0 document"),
    ],
)
def test_files_that_are_not_bpmn_are_refused(data: bytes, fragment: str) -> None:
    assert_names(refusal(data), fragment)


def test_a_hostile_decision_file_is_refused_by_name() -> None:
    error = refusal(diagrams.decision_diagram(), {"rules.dmn": LAUGHS.encode()})
    assert_names(error, "rules.dmn", "DOCTYPE")


# -- past the static checks: stopped at run time -------------------------------------------

BIG = {"n": 10**10, "x": "a"}


@pytest.mark.parametrize(
    ("bpmn", "resources", "element"),
    [
        (diagrams.script_diagram("y = 'a' * n", task_id="bomb_script"), None, "bomb_script"),
        (diagrams.script_diagram("t = type(n)", task_id="type_script"), None, "type_script"),
        (diagrams.script_diagram("y = 9 ** n", task_id="pow_script"), None, "pow_script"),
        (diagrams.gateway_diagram("'a' * n == 'b'", gateway_id="bomb_gateway"), None, "bomb_gateway"),
        (diagrams.gateway_diagram("type(n) == int", gateway_id="type_gateway"), None, "type_gateway"),
        (diagrams.timer_diagram("'PT1S' * n", event_id="bomb_timer"), None, "bomb_timer"),
        (diagrams.message_diagram("{'a': 'a' * n}", event_id="bomb_message"), None, "bomb_message"),
        (diagrams.decision_diagram("bomb_decision"), {"t.dmn": diagrams.dmn("x * n", '"a"', '"b"')}, "bomb_decision"),
    ],
)
def test_what_passes_the_upload_checks_is_stopped_at_run_time(
    bpmn: bytes, resources: dict[str, bytes] | None, element: str
) -> None:
    model = parse_model(bpmn, resources)
    started = time.process_time()
    with pytest.raises(ScriptError) as caught:
        Instance.start(model, BIG)
    assert time.process_time() - started < 2.0
    assert caught.value.element_id == element
    assert_names(caught.value, element)


def test_an_endless_script_is_stopped_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "SCRIPT_TIME_LIMIT", 0.2)
    model = parse_model(diagrams.script_diagram("while True:\n    pass", task_id="spin"))
    with pytest.raises(ScriptError) as caught:
        Instance.start(model, {})
    assert caught.value.element_id == "spin"


# -- the environment alone, with and without its static checks -----------------------------

@pytest.fixture(params=["checked", "static_checks_disabled"])
def env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> RestrictedEnvironment:
    """The environment as shipped, and with our AST checks switched off (RestrictedPython,
    simpleeval and the run-time guards must still hold)."""
    if request.param == "static_checks_disabled":
        monkeypatch.setattr(sandbox, "_forbidden_construct", lambda *a, **k: None)
    return RestrictedEnvironment(time_limit=0.5)


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_the_environment_refuses_hostile_scripts(env: RestrictedEnvironment, name: str, marker: str) -> None:
    script, _ = script_attacks(marker)[name]
    context: dict[str, Any] = {"x": 1}
    with pytest.raises(ScriptError):
        env.execute(script, context)
    assert context == {"x": 1}


@pytest.mark.parametrize("name", EXPRESSION_NAMES)
def test_the_environment_refuses_hostile_expressions(env: RestrictedEnvironment, name: str, marker: str) -> None:
    expression, _ = expression_attacks(marker)[name]
    with pytest.raises(ScriptError):
        env.evaluate(expression, {"x": 1})


@pytest.mark.parametrize("attack", ["'a'.ljust(10**10)", "'a'.center(10**10)", "'a' * 10**10", "9**9**9"])
def test_memory_bombs_fail_fast_without_static_checks(env: RestrictedEnvironment, attack: str) -> None:
    started = time.process_time()
    with pytest.raises(ScriptError):
        env.evaluate(attack, {})
    with pytest.raises(ScriptError):
        env.execute(f"y = {attack}", {})
    assert time.process_time() - started < 1.0


def test_system_exit_cannot_stop_the_host(env: RestrictedEnvironment) -> None:
    for script in ("raise SystemExit(0)", "def g():\n    yield 1\nx = g()\nnext(x)\nx.close()"):
        with pytest.raises(ScriptError):
            env.execute(script, {})


# -- the attacks are real ------------------------------------------------------------------

def test_the_attacks_are_real(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Unrestricted Python does create the marker: the assertions above could fail."""
    control = tmp_path_factory.mktemp("control")
    for n, make in enumerate([
        lambda m: exec(script_attacks(m)["import_os_open"][0], {}),
        lambda m: exec(script_attacks(m)["subclasses_walk"][0], {}),
        lambda m: eval(expression_attacks(m)["subclasses_walk"][0], {}),
        lambda m: eval(expression_attacks(m)["dunder_import"][0], {}),
    ]):
        target = control / f"{MARKER}_{n}"
        make(str(target))
        assert target.exists(), f"attack {n} did not work unrestricted"
    leak = eval(expression_attacks("m")["format_attribute"][0], {})
    assert re.search(r"<class 'object'>", leak)
