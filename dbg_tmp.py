import sys
from hypothesis import given, settings, Phase, HealthCheck
from hypothesis import strategies as st
import gxlib
from gxlib.testing import TEXT_STYLES, prose, render_report, reports
from gxlib.testing.mutate import glosses, traditional
disagree = sys.argv[1] == "1"
n = int(sys.argv[2])
@settings(max_examples=n, phases=[Phase.generate], deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def t(data):
    gen = data.draw(reports(blanks=False, placeholders=False))
    text = data.draw(prose(gen, disagree=disagree))
    style = data.draw(st.sampled_from(TEXT_STYLES))
    overview = text.text
    if data.draw(st.booleans()): overview = traditional(overview)
    if data.draw(st.booleans()): overview = glosses(overview, seed=len(overview))
    report = gxlib.parse_text(render_report(gen, style, overview=overview), profile=gen.profile)
    read = {f.key: (f.status, f.value, f.qualifier) for f in report.facts}
    stated = {k: ("number",)+v for k, v in text.facts.items()}
    fired = {d.data["check"] for d in report.diagnostics if d.code == "GX902"}
    if read != stated or fired != set(text.mismatches):
        print("STYLE", style); print(text.text); print("read", read); print("stated", stated); print(fired, text.mismatches)
        for f in report.facts: print(f.key, f.pattern, f.raw[:80])
        raise AssertionError
t()
print("ok")
