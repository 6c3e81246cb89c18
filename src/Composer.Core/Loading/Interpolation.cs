using System.Text;

namespace Composer.Core.Loading;

/// <summary>
/// Compose's variable substitution: <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-d}</c>, <c>${VAR-d}</c>, <c>${VAR:?msg}</c>,
/// <c>${VAR?msg}</c>, <c>${VAR:+alt}</c>, <c>${VAR+alt}</c>, nesting inside the default, and <c>$$</c> for a dollar.
/// </summary>
public static class Interpolation
{
    public sealed record Result(string? Value, string? Error, IReadOnlyList<string> Unset);

    public static Result Apply(string input, Func<string, string?> lookup)
    {
        if (!input.Contains('$')) return new Result(input, null, []);
        var unset = new List<string>();
        try
        {
            var value = Expand(input, lookup, unset, 0);
            return new Result(value, null, unset);
        }
        catch (InterpolationException e)
        {
            return new Result(null, e.Message, unset);
        }
    }

    private sealed class InterpolationException(string message) : Exception(message);

    private static string Expand(string s, Func<string, string?> lookup, List<string> unset, int depth)
    {
        // Each nesting level rescans its text, so the depth is bounded to keep the work linear in the input.
        if (depth > InputLimits.MaxInterpolationNesting)
            throw new InterpolationException($"interpolation nested more than {InputLimits.MaxInterpolationNesting} levels deep (${{A:-${{B:-…}}}})");
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '$' || i + 1 >= s.Length) { sb.Append(c); continue; }
            var next = s[i + 1];
            if (next == '$') { sb.Append('$'); i++; continue; }
            if (next == '{')
            {
                var end = FindClosingBrace(s, i + 2);
                if (end < 0) throw new InterpolationException($"invalid interpolation format for \"{s}\": unterminated ${{");
                sb.Append(Substitute(s[(i + 2)..end], s, lookup, unset, depth));
                i = end;
                continue;
            }
            if (IsNameStart(next))
            {
                var j = i + 1;
                while (j < s.Length && IsNameChar(s[j])) j++;
                var name = s[(i + 1)..j];
                var value = lookup(name);
                if (value is null) unset.Add(name);
                sb.Append(value ?? "");
                i = j - 1;
                continue;
            }
            // A lone '$' before anything else stays literal, as in Compose.
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static int FindClosingBrace(string s, int from)
    {
        var depth = 1;
        for (var j = from; j < s.Length; j++)
        {
            if (s[j] == '$' && j + 1 < s.Length && s[j + 1] == '$') { j++; continue; }
            if (s[j] == '$' && j + 1 < s.Length && s[j + 1] == '{') { depth++; j++; continue; }
            if (s[j] == '}' && --depth == 0) return j;
        }
        return -1;
    }

    private static string Substitute(string body, string whole, Func<string, string?> lookup, List<string> unset, int depth)
    {
        var n = 0;
        while (n < body.Length && IsNameChar(body[n])) n++;
        var name = body[..n];
        if (name.Length == 0 || !IsNameStart(name[0]))
            throw new InterpolationException($"invalid interpolation format for \"{whole}\": '${{{body}}}' does not start with a variable name");
        var rest = body[n..];
        var value = lookup(name);
        if (rest.Length == 0)
        {
            if (value is null) unset.Add(name);
            return value ?? "";
        }
        var colon = rest[0] == ':';
        var op = colon ? (rest.Length > 1 ? rest[1] : '\0') : rest[0];
        var arg = rest[(colon ? 2 : 1)..];
        // With a colon an empty value counts as unset; without, only a missing one does.
        var missing = colon ? string.IsNullOrEmpty(value) : value is null;
        switch (op)
        {
            case '-':
                return missing ? Expand(arg, lookup, unset, depth + 1) : value!;
            case '+':
                return missing ? "" : Expand(arg, lookup, unset, depth + 1);
            case '?':
                if (!missing) return value!;
                var message = Expand(arg, lookup, unset, depth + 1);
                throw new InterpolationException(message.Length > 0
                    ? $"required variable {name} is missing a value: {message}"
                    : $"required variable {name} is missing a value");
            default:
                throw new InterpolationException($"invalid interpolation format for \"{whole}\": unknown modifier in '${{{body}}}'");
        }
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);
    private static bool IsNameChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);
}
