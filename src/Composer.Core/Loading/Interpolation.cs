using System.Text;

namespace Composer.Core.Loading;

/// <summary>
/// Compose's variable substitution, as compose-go's template package reads it: <c>$VAR</c>, <c>${VAR}</c>,
/// <c>${VAR:-d}</c>, <c>${VAR-d}</c>, <c>${VAR:?msg}</c>, <c>${VAR?msg}</c>, <c>${VAR:+alt}</c>, <c>${VAR+alt}</c>,
/// substitutions nested in the default, braces in it (<c>${X:-{"a":1}}</c>: the default ends at the brace that
/// balances the opening one), and <c>$$</c> for a dollar. A <c>$</c> before anything else stays a dollar; <c>${</c>
/// without a name and a closing brace on the same line is an invalid template.
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

    /// <summary>compose-go's words for a template it cannot read, quoted the way Go's %#v quotes a string.</summary>
    private static InterpolationException Invalid(string template, string reason) =>
        new($"invalid interpolation format for \"{template.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\": {reason}; you may need to escape any $ with another $");

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
            if (IsNameStart(next))
            {
                var j = i + 1;
                while (j < s.Length && IsNameChar(s[j])) j++;
                var name = s[(i + 1)..j];
                var value = lookup(name);
                if (value is null) unset.Add(name);
                sb.Append(value);
                i = j - 1;
                continue;
            }
            if (next != '{') { sb.Append(c); continue; }

            // ${NAME} or ${NAME<op>ARG}; the name is required.
            var nameEnd = i + 2;
            if (nameEnd >= s.Length || !IsNameStart(s[nameEnd])) throw Invalid(s, "'${' must be followed by a variable name");
            while (nameEnd < s.Length && IsNameChar(s[nameEnd])) nameEnd++;
            if (nameEnd < s.Length && s[nameEnd] == '}')
            {
                var name = s[(i + 2)..nameEnd];
                var value = lookup(name);
                if (value is null) unset.Add(name);
                sb.Append(value);
                i = nameEnd;
                continue;
            }
            var op = Operator(s, nameEnd);
            // The argument runs at most to the last '}' on this line, and ends at the brace that closes the opening one.
            var lineEnd = s.IndexOf('\n', nameEnd);
            var lastBrace = s.LastIndexOf('}', lineEnd < 0 ? s.Length - 1 : lineEnd - 1);
            if (op is null) throw Invalid(s, $"'${{{s[(i + 2)..nameEnd]}' must be followed by '}}', ':-', '-', ':?', '?', ':+' or '+'");
            if (lastBrace < nameEnd + op.Length) throw Invalid(s, $"'${{{s[(i + 2)..nameEnd]}{op}' has no closing '}}' on its line");
            var end = BalancingBrace(s, i, lastBrace);
            var argument = s[(nameEnd + op.Length)..end];
            sb.Append(Substitute(s[(i + 2)..nameEnd], op, argument, lookup, unset, depth));
            i = end;
        }
        return sb.ToString();
    }

    private static string? Operator(string s, int at)
    {
        if (at >= s.Length) return null;
        if (s[at] is '-' or '+' or '?') return s[at].ToString();
        return s[at] == ':' && at + 1 < s.Length && s[at + 1] is '-' or '+' or '?' ? s.Substring(at, 2) : null;
    }

    /// <summary>
    /// The '}' that balances the '{' after <paramref name="dollar"/>, counting as compose-go does (a '{' also skips the
    /// character after it); the last brace of the line when none balances.
    /// </summary>
    private static int BalancingBrace(string s, int dollar, int lastBrace)
    {
        var open = 0;
        for (var j = dollar; j <= lastBrace; j++)
        {
            if (s[j] == '}' && --open == 0) return j;
            if (s[j] == '{') { open++; j++; }
        }
        return lastBrace;
    }

    private static string Substitute(string name, string op, string argument, Func<string, string?> lookup, List<string> unset, int depth)
    {
        var value = lookup(name);
        // With a colon an empty value counts as unset; without, only a missing one does.
        var missing = op.Length == 2 ? string.IsNullOrEmpty(value) : value is null;
        switch (op[^1])
        {
            case '-':
                return missing ? Expand(argument, lookup, unset, depth + 1) : value!;
            case '+':
                return missing ? value ?? "" : Expand(argument, lookup, unset, depth + 1);
            default:
                if (!missing) return value!;
                var message = Expand(argument, lookup, unset, depth + 1);
                throw new InterpolationException(message.Length > 0
                    ? $"required variable {name} is missing a value: {message}"
                    : $"required variable {name} is missing a value");
        }
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);
    private static bool IsNameChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);
}
