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
        if (!Loading.ValueParsers.TryParseGoDuration(text["every_".Length..], daysAndWeeks: true, out var after, out error)) return false;
        policy = new(PullPolicyKind.Refresh, after);
        return true;
    }
}
