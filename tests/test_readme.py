"""The README's plasticity example runs as printed (so the documentation stays true)."""

from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_plasticity_example_runs():
    text = README.read_text()
    section = text[text.index("## Plasticity: any rule on any compartment"):]
    code = section[section.index("```python") + len("```python"):]
    code = code[: code.index("```")]
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    table = namespace["weights"].table()
    assert table["w"].shape[0] == len(table["branch"]) == 80
    assert set(table["kind"]) == {"apical_tuft"}
