using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Composer.Core.Loading;

/// <summary>Pure parsers for Compose's string mini-languages: durations, byte sizes, shell words.</summary>
public static partial class ValueParsers
{
    /// <summary>Go-style durations as Compose writes them: <c>1m30s</c>, <c>500ms</c>, <c>2h</c>; a bare number is seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }
        return TryParseGoDuration(text, daysAndWeeks: false, out value, out _);
    }

    /// <summary>
    /// Go's duration syntax: a sequence of decimal numbers, each with a unit of ns, us (µs), ms, s, m or h, as
    /// <c>1h30m</c>, <c>1.5h</c>; with <paramref name="daysAndWeeks"/> also d and w (the str2duration package compose-go
    /// uses for <c>pull_policy: every_2d</c>).
    /// </summary>
    public static bool TryParseGoDuration(string text, bool daysAndWeeks, out TimeSpan duration, out string? error)
    {
        duration = TimeSpan.Zero;
        error = $"invalid duration \"{text}\"";
        if (text == "0") { error = null; return true; }
        if (text.Length == 0) return false;
        var ticks = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            if (i == unitStart) { error = $"missing unit in duration \"{text}\""; return false; }
            double? perUnit = text[unitStart..i] switch
            {
                "ns" => TimeSpan.TicksPerMillisecond / 1_000_000.0,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMillisecond / 1_000.0,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" when daysAndWeeks => TimeSpan.TicksPerDay,
                "w" when daysAndWeeks => TimeSpan.TicksPerDay * 7,
                _ => null,
            };
            if (perUnit is not { } scale) { error = $"unknown unit \"{text[unitStart..i]}\" in duration \"{text}\""; return false; }
            ticks += number * scale;
        }
        if (ticks > TimeSpan.MaxValue.Ticks) return false;
        duration = TimeSpan.FromTicks((long)ticks);
        error = null;
        return true;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([kmgtp]?)(b|ib)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ByteSize();

    /// <summary>Byte sizes: <c>512</c>, <c>100k</c>, <c>1.5G</c>, <c>64mb</c> (binary multiples, as the engine uses).</summary>
    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var m = ByteSize().Match(text.Trim());
        if (!m.Success) return false;
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, "t" => 1L << 40, "p" => 1L << 50, _ => 1L,
        };
        var value = n * unit;
        if (value > long.MaxValue) return false;
        bytes = (long)value;
        return true;
    }

    /// <summary>Splits a command string as a POSIX shell would split words (quotes and backslashes; no expansion).</summary>
    public static bool TrySplitShellWords(string text, out List<string> words)
    {
        words = [];
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\' when i + 1 < text.Length:
                    current.Append(text[++i]); inWord = true; break;
                case '\'':
                {
                    var end = text.IndexOf('\'', i + 1);
                    if (end < 0) return false;
                    current.Append(text, i + 1, end - i - 1); i = end; inWord = true; break;
                }
                case '"':
                {
                    i++;
                    for (; i < text.Length && text[i] != '"'; i++)
                    {
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`') i++;
                        current.Append(text[i]);
                    }
                    if (i >= text.Length) return false;
                    inWord = true; break;
                }
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                    break;
                default:
                    current.Append(c); inWord = true; break;
            }
        }
        if (inWord) words.Add(current.ToString());
        return true;
    }
}
