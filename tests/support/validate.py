"""Independent checks of livret's JSON outputs, run by the integration tests.

usage: validate.py schema DOCUMENT SCHEMA   -> validates DOCUMENT against the JSON Schema (formats checked)
       validate.py feed FEED                -> parses FEED with feedparser-rs and prints what it read as JSON
"""
import json
import sys


def schema(document_path, schema_path):
    import jsonschema

    with open(document_path, encoding="utf-8") as f:
        document = json.load(f)
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for error in errors[:20]:
        print(f"{'/'.join(map(str, error.absolute_path))}: {error.message}")
    if errors:
        print(f"{len(errors)} error(s)")
    return 1 if errors else 0


def feed(feed_path):
    # feedparser-rs: an independent parser with feedparser's API that reads JSON Feed 1.0/1.1.
    import feedparser_rs

    with open(feed_path, "rb") as f:
        parsed = feedparser_rs.parse(f.read())
    if parsed.bozo:
        print(f"feed parser: {parsed.bozo_exception}")
        return 1
    field = getattr
    print(json.dumps({
        "version": parsed.version,
        "title": field(parsed.feed, "title", None),
        "link": field(parsed.feed, "link", None),
        "entries": [
            {
                "id": field(entry, "id", None),
                "title": field(entry, "title", None),
                "link": field(entry, "link", None),
                "published": field(entry, "published", None),
                "updated": field(entry, "updated", None),
                "author": field(entry, "author", None),
                "tags": [tag.term for tag in (field(entry, "tags", None) or [])],
                "summary": field(entry, "summary", None),
            }
            for entry in parsed.entries
        ],
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    kind = sys.argv[1]
    sys.exit(schema(sys.argv[2], sys.argv[3]) if kind == "schema" else feed(sys.argv[2]))
