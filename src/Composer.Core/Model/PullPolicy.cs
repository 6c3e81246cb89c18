using System.Globalization;

namespace Composer.Core.Model;

public enum PullPolicyKind { Missing, Always, Never, Build, Refresh }

/// <summary>
/// What <c>pull_policy</c> means at <c>up</c>, read as compose-go's <c>GetPullPolicy</c> reads it: <c>always</c>,
/// <c>never</c>, <c>build</c>, <c>missing</c>/<c>if_not_present</c>; <c>daily</c>, <c>weekly</c> and
/// <c>every_&lt;duration&gt;</c> refresh an image older than that; anything else (unset, <c>refresh</c>) pulls a
/// missing image.
/// </summary>
public readonly record struct PullPolicy(PullPolicyKind Kind, TimeSpan RefreshAfter = default)
{
    public static PullPolicy Missing => new(PullPolicyKind.Missing);

    /// <summary>The policy; false with a message when an <c>every_</c> duration cannot be read.</summary>
    public static bool TryParse(string? text, out PullPolicy policy, out string? error)
    {
        error = null;
        policy = text switch
        {
            "always" => new(PullPolicyKind.Always),
            "never" => new(PullPolicyKind.Never),
            "build" => new(PullPolicyKind.Build),
            "daily" => new(PullPolicyKind.Refresh, TimeSpan.FromDays(1)),
            "weekly" => new(PullPolicyKind.Refresh, TimeSpan.FromDays(7)),
            _ => Missing,
        };
        if (text is null || !text.StartsWith("every_", StringComparison.Ordinal)) return true;
        if (!TryParseDuration(text["every_".Length..], out var after, out error)) return false;
        policy = new(PullPolicyKind.Refresh, after);
        return true;
    }

    /// <summary>
    /// Go's duration syntax with days and weeks (the str2duration package compose-go uses): a sequence of decimal
    /// numbers, each with a unit of ns, us (µs), ms, s, m, h, d or w, as <c>2d</c>, <c>1h30m</c>, <c>1.5h</c>.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan duration, out string? error)
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
                "d" => TimeSpan.TicksPerDay,
                "w" => TimeSpan.TicksPerDay * 7,
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
}
