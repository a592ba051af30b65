#!/usr/bin/python3
"""An independent reading of Authentication-Results values, for AuthenticationResultsOracleTests.

Reads a JSON list of field values on stdin and writes a JSON list with, for each, what Python's `authres`
(Debian's python3-authres, by Julian Mehnle and Scott Kitterman) makes of it in its strict mode:

    {"ok": true, "authserv_id": "...", "results": [{"method", "result", "reason", "properties": [[ptype, property, value]]}
                                                 or {"none": true}]}
    {"ok": false, "error": "..."}

Strict mode: authres's default (non-strict) mode silently skips a property it cannot read and keeps the rest of
the statement, which is exactly the guessing the gateway must not do; strict mode raises instead. The parser is
driven as AuthenticationResultsHeader.parse_value does, with strict set before parsing (parse_value offers no way to
set it). Two authres functions are replaced where they refuse what RFC 8601 allows: its CFWS reader
(read_cfws) and the look-ahead after a quoted value (read_pvalue).

Run by /usr/bin/python3, where Debian installs authres. Exits 3 when authres is missing (the test then fails).
"""
import json
import sys

try:
    import authres
    from authres.core import RFC5322_FWS_PATTERN, AuthenticationResultsHeader
except ImportError as error:
    sys.stderr.write("authres is not installed for %s: %s (apt-get install python3-authres)\n" % (sys.executable, error))
    sys.exit(3)


def read_cfws(self):
    """RFC 5322 CFWS: any run of folding white space and comments.

    authres 1.2.0's own `_parse_rfc5322_cfws` reads white space only once per run (`fws_match = fws_match or …`
    stops matching after the first), so it refuses `header (a) (b) .d=x` or `reason= (a) x`, which RFC 5322
    allows. This one function is replaced; the grammar above it is authres's own.
    """
    matched = False
    while self._parse_pattern(RFC5322_FWS_PATTERN) or self._parse_rfc5322_comment():
        matched = True
    return matched


AuthenticationResultsHeader._parse_rfc5322_cfws = read_cfws


def read_pvalue(self):
    """authres 1.2.0's `_parse_pvalue`, without its look-ahead after a quoted-string value.

    authres takes a quoted-string value only when `;` or the end follows it, so it refuses
    `header.s="sel 1" header.b=x`, which RFC 8601 allows (propspecs follow one another). Everything else is its own.
    """
    quoted_string = self._parse_rfc5322_quoted_string()
    if quoted_string is not None:
        if self._parse_pattern(r'@'):
            domain_name = self._parse_rfc5322_dot_atom()
            self._parse_rfc5322_cfws()
            if domain_name:
                return '"%s"@%s' % (quoted_string, domain_name)
            return None
        self._parse_rfc5322_cfws()
        return quoted_string
    return ORIGINAL_PARSE_PVALUE(self)


ORIGINAL_PARSE_PVALUE = AuthenticationResultsHeader._parse_pvalue
AuthenticationResultsHeader._parse_pvalue = read_pvalue


def read(value):
    header = AuthenticationResultsHeader(authres.FeatureContext(authres), strict=True)
    header._parse_text = value.rstrip("\r\n\t ")
    try:
        header._parse()
    except Exception as error:  # authres raises its SyntaxError, and at times plain Python errors
        return {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
    return {
        "ok": True,
        "authserv_id": header.authserv_id,
        "results": [
            # authres accepts "none" after other statements (RFC 8601 allows it only alone) and keeps it as a result.
            {"none": True}
            if result is AuthenticationResultsHeader.NONE_RESULT
            else {
                "method": result.method,
                "result": result.result,
                "reason": None if result.reason is None else str(result.reason),
                "properties": [[p.type, p.name, "" if p.value is None else str(p.value)] for p in result.properties],
            }
            for result in header.results
        ],
    }


def main():
    values = json.load(sys.stdin)
    json.dump([read(value) for value in values], sys.stdout)


if __name__ == "__main__":
    main()
