#!/usr/bin/env bash
# Checks schemas/job.v1.json with a validator that is not the one the build uses (networknt):
# every example job in README.md and docs/*.md and every fixture under
# common/src/test/resources/contract/jobs/ must get the schema's expected answer
# (valid/ and codec-only/ accepted; invalid/ and tolerated/ rejected). Formats are asserted.
#
#   schemas/validate-independently.sh            Ajv 2020 + ajv-formats (npm, installed once into
#                                                ~/.cache/imagefleet-ajv), else Python's jsonschema
#   schemas/validate-independently.sh python     Python's jsonschema (pip install jsonschema rfc3339-validator rfc3987)
#   schemas/validate-independently.sh ajv        Ajv only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
which=${1:-auto}
fixtures=$root/common/src/test/resources/contract/jobs

ajv() {
  local dir=${XDG_CACHE_HOME:-$HOME/.cache}/imagefleet-ajv
  if [ ! -d "$dir/node_modules/ajv-formats" ]; then
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" ajv@8 ajv-formats@3 >/dev/null
  fi
  NODE_PATH=$dir/node_modules node - "$root" "$fixtures" <<'JS'
const fs = require('fs'), path = require('path');
const Ajv2020 = require('ajv/dist/2020'), addFormats = require('ajv-formats');
const [root, fixtures] = process.argv.slice(2);
const ajv = new Ajv2020({allErrors: true, strict: false});
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(root, 'schemas/job.v1.json'), 'utf8')));
console.log(`validator: Ajv ${require('ajv/package.json').version} (draft 2020-12) + ajv-formats ${require('ajv-formats/package.json').version}`);
let bad = 0, n = 0;
function check(name, text, expect) {
  n++;
  const ok = validate(JSON.parse(text));
  const why = ok ? '' : ' (' + validate.errors.map(e => `${e.instancePath || '/'} ${e.message}`).slice(0, 2).join('; ') + ')';
  const pass = ok === expect;
  if (!pass) bad++;
  console.log(`${pass ? 'ok  ' : 'FAIL'} ${ok ? 'accepted' : 'rejected'} ${name}${why}`);
}
const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => 'docs/' + f)];
// Every JSON object starting {"v": (in a json block or inline, as in a kcat command) with an id, a source and outputs.
function balanced(text, from) {
  let depth = 0, inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) { if (c === '\\') i++; else if (c === '"') inString = false; }
    else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  return null;
}
const seen = new Set();
for (const page of pages) {
  const md = fs.readFileSync(path.join(root, page), 'utf8');
  let i = 0;
  for (let at = md.indexOf('{"v":'); at >= 0; at = md.indexOf('{"v":', at + 1)) {
    const text = balanced(md, at);
    if (text === null || seen.has(text)) continue;
    const o = JSON.parse(text);
    if ('id' in o && 'source' in o && 'outputs' in o) { seen.add(text); check(`${page} example job ${++i}`, text, true); }
  }
}
for (const [kind, expect] of [['valid', true], ['codec-only', true], ['invalid', false], ['tolerated', false]]) {
  for (const f of fs.readdirSync(path.join(fixtures, kind)).sort()) {
    check(`${kind}/${f}`, fs.readFileSync(path.join(fixtures, kind, f), 'utf8'), expect);
  }
}
console.log(`${n} checked, ${bad} unexpected`);
process.exit(bad ? 1 : 0);
JS
}

python() {
  python3 - "$root" "$fixtures" <<'PY'
import json, os, re, sys
from importlib.metadata import version
import jsonschema
root, fixtures = sys.argv[1:]
schema = json.load(open(os.path.join(root, 'schemas/job.v1.json')))
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
print(f"validator: python jsonschema {version('jsonschema')} (Draft202012Validator, formats checked)")
bad = n = 0
def check(name, text, expect):
    global bad, n
    n += 1
    errors = list(v.iter_errors(json.loads(text)))
    ok = not errors
    why = '' if ok else ' (' + '; '.join(f"/{'/'.join(map(str, e.absolute_path))} {e.message[:90]}" for e in errors[:2]) + ')'
    if ok != expect:
        bad += 1
    print(f"{'ok  ' if ok == expect else 'FAIL'} {'accepted' if ok else 'rejected'} {name}{why}")
pages = ['README.md'] + ['docs/' + f for f in sorted(os.listdir(os.path.join(root, 'docs'))) if f.endswith('.md')]
# Every JSON object starting {"v": (in a json block or inline, as in a kcat command) with an id, a source and outputs.
decoder, seen = json.JSONDecoder(), set()
for page in pages:
    md, i = open(os.path.join(root, page)).read(), 0
    for m in re.finditer(r'\{"v":', md):
        o, end = decoder.raw_decode(md, m.start())
        text = md[m.start():end]
        if text not in seen and all(k in o for k in ('id', 'source', 'outputs')):
            seen.add(text)
            i += 1
            check(f"{page} example job {i}", text, True)
for kind, expect in (('valid', True), ('codec-only', True), ('invalid', False), ('tolerated', False)):
    for f in sorted(os.listdir(os.path.join(fixtures, kind))):
        check(f"{kind}/{f}", open(os.path.join(fixtures, kind, f)).read(), expect)
print(f"{n} checked, {bad} unexpected")
sys.exit(1 if bad else 0)
PY
}

case "$which" in
  ajv) ajv ;;
  python) python ;;
  auto)
    if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then ajv; else python; fi ;;
  *) echo "usage: $0 [auto|ajv|python]" >&2; exit 2 ;;
esac
