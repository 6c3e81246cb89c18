using System.Text;

namespace Composer.Core.Loading;

/// <summary>
/// Reads <c>.env</c> files as Compose does: <c>KEY=VALUE</c>, optional <c>export</c>, <c># comments</c>, single quotes
/// (literal), double quotes (escapes, multi-line), inline comments after unquoted values, and <c>${VAR}</c> references
/// to earlier keys or the environment in unquoted and double-quoted values.
/// </summary>
public static class EnvFile
{
    public sealed record Entry(string Key, string? Value, int Line);
    public sealed record ParseError(int Line, int Column, string Message);

    public static (List<Entry> Entries, ParseError? Error) Parse(string text, Func<string, string?>? lookup = null)
    {
        var entries = new List<Entry>();
        var known = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? Lookup(string k) => known.TryGetValue(k, out var v) ? v : lookup?.Invoke(k);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNo = i + 1;
            var line = lines[i].TrimStart();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=');
            var key = (eq < 0 ? line : line[..eq]).TrimEnd();
            if (key.Length == 0 || key.Any(ch => char.IsWhiteSpace(ch) || ch is '"' or '\'' or '$'))
                return (entries, new ParseError(lineNo, 1, $"invalid variable name '{key}'"));
            if (eq < 0)
            {
                // A bare name takes its value from the environment, if any.
                entries.Add(new Entry(key, lookup?.Invoke(key), lineNo));
                known[key] = lookup?.Invoke(key);
                continue;
            }
            var raw = line[(eq + 1)..].TrimStart();
            string value;
            if (raw.StartsWith('\'') || raw.StartsWith('"'))
            {
                var quote = raw[0];
                var sb = new StringBuilder();
                var body = raw[1..];
                var startLine = lineNo;
                while (true)
                {
                    var close = FindClose(body, quote);
                    if (close >= 0) { sb.Append(body[..close]); break; }
                    sb.Append(body).Append('\n');
                    if (++i >= lines.Length) return (entries, new ParseError(startLine, eq + 2, $"unterminated quoted value for {key}"));
                    body = lines[i];
                }
                value = quote == '"' ? Unescape(sb.ToString()) : sb.ToString();
                if (quote == '"') value = Interpolation.Apply(value, Lookup).Value ?? value;
            }
            else
            {
                var hash = raw.IndexOf(" #", StringComparison.Ordinal);
                value = (hash >= 0 ? raw[..hash] : raw).TrimEnd();
                value = Interpolation.Apply(value, Lookup).Value ?? value;
            }
            entries.Add(new Entry(key, value, lineNo));
            known[key] = value;
        }
        return (entries, null);
    }

    private static int FindClose(string s, char quote)
    {
        for (var j = 0; j < s.Length; j++)
        {
            if (quote == '"' && s[j] == '\\') { j++; continue; }
            if (s[j] == quote) return j;
        }
        return -1;
    }

    private static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var j = 0; j < s.Length; j++)
        {
            if (s[j] != '\\' || j + 1 >= s.Length) { sb.Append(s[j]); continue; }
            var c = s[++j];
            sb.Append(c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '"' => '"', '\\' => '\\', _ => c });
            if (c is not ('n' or 't' or 'r' or '"' or '\\')) sb.Insert(sb.Length - 1, '\\');
        }
        return sb.ToString();
    }
}
