using System.Text;

namespace Composer.Core.Loading;

/// <summary>
/// Reads <c>.env</c> files as compose-go's dotenv package does: <c>KEY=VALUE</c> or <c>KEY: VALUE</c>, an optional
/// <c>export</c> (followed by any blank), <c># comments</c>, a bare <c>KEY</c> taken from the environment, single
/// quotes (literal but for <c>\'</c>), double quotes (shell escapes <c>\a \b \f \n \r \t \v \\ \" \$ \0NNN</c>, then
/// interpolation; multi-line), unquoted values cut at <c> #</c>, and <c>${VAR}</c> references, which see the
/// environment first and only then the keys defined earlier (in this file or an earlier env file).
/// </summary>
public static class EnvFile
{
    public sealed record Entry(string Key, string? Value, int Line);
    public sealed record ParseError(int Line, int Column, string Message);

    /// <param name="text">The file's text.</param>
    /// <param name="lookup">The environment (and earlier env files): it wins over the keys this file defined earlier.</param>
    public static (List<Entry> Entries, ParseError? Error) Parse(string text, Func<string, string?>? lookup = null)
    {
        var entries = new List<Entry>();
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Lookup(string k) => lookup?.Invoke(k) ?? known.GetValueOrDefault(k);
        var s = text.StartsWith('\uFEFF') ? text[1..] : text;
        var line = 1;
        var i = 0;
        while (true)
        {
            // Skip blanks and comment lines to the start of the next statement.
            while (i < s.Length && (char.IsWhiteSpace(s[i]) || s[i] == '#'))
            {
                if (s[i] == '#') { while (i < s.Length && s[i] != '\n') i++; continue; }
                if (s[i] == '\n') line++;
                i++;
            }
            if (i >= s.Length) break;
            var statementLine = line;
            if (s.AsSpan(i).StartsWith("export") && i + 6 < s.Length && char.IsWhiteSpace(s[i + 6]))
            {
                i += 6;
                while (i < s.Length && IsBlank(s[i])) i++;
            }

            // The key runs to '=', ':' (YAML style) or the end of the line (a bare key, taken from the environment).
            var keyStart = i;
            var terminator = '\n';
            for (; i < s.Length; i++)
            {
                var c = s[i];
                if (c is '=' or ':' or '\n') { terminator = c; break; }
                if (IsBlank(c) || c is '_' or '.' or '-' or '[' or ']' || char.IsLetterOrDigit(c)) continue;
                var lineEnd = s.IndexOf('\n', keyStart);
                var whole = s[keyStart..(lineEnd < 0 ? s.Length : lineEnd)];
                return (entries, new ParseError(statementLine, i - LineStart(s, i) + 1, $"unexpected character \"{c}\" in variable name \"{whole.TrimEnd('\r')}\""));
            }
            var key = s[keyStart..Math.Min(i, s.Length)].TrimEnd();
            if (key.Any(IsBlank)) return (entries, new ParseError(statementLine, 1, $"variable name \"{key}\" cannot contain a space"));
            if (terminator == '\n')
            {
                // A bare name (also on a last line without a newline) takes its value from the environment, if it has one.
                if (i < s.Length) { i++; line++; }
                if (lookup?.Invoke(key) is { } inherited) { entries.Add(new Entry(key, inherited, statementLine)); known[key] = inherited; }
                continue;
            }
            i++;
            while (i < s.Length && IsBlank(s[i])) i++;

            string value;
            if (i < s.Length && s[i] is '"' or '\'')
            {
                var quote = s[i];
                var sb = new StringBuilder();
                var escaped = false;
                var close = -1;
                for (var j = i + 1; j < s.Length; j++)
                {
                    var c = s[j];
                    if (c == '\n') line++;
                    if (c != quote)
                    {
                        if (!escaped && c == '\\') { escaped = true; continue; }
                        if (escaped) { escaped = false; sb.Append('\\'); }
                        sb.Append(c);
                        continue;
                    }
                    if (escaped) { escaped = false; sb.Append(c); continue; }
                    close = j;
                    break;
                }
                if (close < 0)
                {
                    var lineEnd = s.IndexOf('\n', i);
                    return (entries, new ParseError(statementLine, i - LineStart(s, i) + 1, $"unterminated quoted value for {key}: {s[i..(lineEnd < 0 ? s.Length : lineEnd)]}"));
                }
                value = sb.ToString();
                if (quote == '"')
                {
                    var expanded = Interpolation.Apply(ExpandEscapes(value), Lookup);
                    if (expanded.Error is not null) return (entries, new ParseError(statementLine, 1, expanded.Error));
                    value = expanded.Value!;
                }
                i = close + 1;
            }
            else
            {
                var end = s.IndexOf('\n', i);
                var raw = s[i..(end < 0 ? s.Length : end)];
                i = end < 0 ? s.Length : end + 1;
                line++;
                var hash = raw.IndexOf(" #", StringComparison.Ordinal);
                raw = (hash >= 0 ? raw[..hash] : raw).TrimEnd();
                var expanded = Interpolation.Apply(raw, Lookup);
                if (expanded.Error is not null) return (entries, new ParseError(statementLine, 1, expanded.Error));
                value = expanded.Value!;
            }
            entries.Add(new Entry(key, value, statementLine));
            known[key] = value;
        }
        return (entries, null);
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\v' or '\f' or '\r' or '\u0085' or '\u00A0';

    private static int LineStart(string s, int at) => at == 0 ? 0 : s.LastIndexOf('\n', at - 1) + 1;

    /// <summary>
    /// The shell escapes of a double-quoted value. <c>\$</c> becomes <c>$$</c> (a literal dollar for the interpolation
    /// that follows); <c>\0</c> starts an octal escape that needs exactly three digits, and otherwise only loses its 0;
    /// any other backslash stays as written.
    /// </summary>
    internal static string ExpandEscapes(string value)
    {
        if (!value.Contains('\\')) return value;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 >= value.Length) { sb.Append(value[i]); continue; }
            var c = value[i + 1];
            char? simple = c switch
            {
                'a' => '\a', 'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', 'v' => '\v',
                '"' => '"', '\\' => '\\', _ => null,
            };
            if (simple is { } ch) { sb.Append(ch); i++; continue; }
            if (c == '$') { sb.Append("$$"); i++; continue; }
            if (c == '0')
            {
                var n = 0;
                while (n < 3 && i + 2 + n < value.Length && char.IsAsciiDigit(value[i + 2 + n])) n++;
                var digits = value.Substring(i + 2, n);
                if (n == 3 && digits.All(d => d <= '7') && Convert.ToInt32(digits, 8) is var code and <= 255)
                    sb.Append((char)code);
                else
                    sb.Append('\\').Append(digits);
                i += 1 + n;
                continue;
            }
            sb.Append('\\');
        }
        return sb.ToString();
    }
}
