
namespace Composer.Core.Supervision;

public sealed record BackoffOptions
{
    public TimeSpan Initial { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan Cap { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Running this long without an incident resets the back-off.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>This many incidents within <see cref="CrashLoopWindow"/> mark the service as crash-looping.</summary>
    public int CrashLoopThreshold { get; init; } = 5;
    public TimeSpan CrashLoopWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Per-service settings from <c>x-composer: { restart_backoff: { initial, cap, stable_after } }</c>, or the same
    /// keys flat (<c>restart_backoff_initial</c>…): the loader names a nested block's keys with its prefix.
    /// </summary>
    public BackoffOptions WithOverrides(IReadOnlyDictionary<string, string> extensions)
    {
        var result = this;
        if (extensions.TryGetValue("restart_backoff_initial", out var i) && Loading.ValueParsers.TryParseDuration(i, out var ti)) result = result with { Initial = ti };
        if (extensions.TryGetValue("restart_backoff_cap", out var c) && Loading.ValueParsers.TryParseDuration(c, out var tc)) result = result with { Cap = tc };
        if (extensions.TryGetValue("restart_backoff_stable_after", out var s) && Loading.ValueParsers.TryParseDuration(s, out var ts)) result = result with { StableAfter = ts };
        return result;
    }
}

/// <summary>
/// One service's restart back-off: the first restart after <see cref="BackoffOptions.Initial"/>, doubling per
/// consecutive incident, capped; reset once the service has run <see cref="BackoffOptions.StableAfter"/> without
/// one. Counts incidents in a sliding window to detect a crash loop. Pure; time comes in as arguments.
/// </summary>
public sealed class RestartBackoff(BackoffOptions options)
{
    private readonly Queue<DateTimeOffset> _recent = new();
    private int _consecutive;
    private DateTimeOffset? _runningSince;

    public BackoffOptions Options { get; } = options;
    public bool CrashLooping { get; private set; }
    public int Restarts { get; private set; }

    public void MarkRunning(DateTimeOffset now) => _runningSince = now;

    /// <summary>
    /// Records an incident and returns how long to wait before bringing the service back. With
    /// <paramref name="immediateFirst"/> (a removal: nothing says the process fails, so waiting protects nothing) the
    /// first incident of a streak is undone at once; repeated ones still back off.
    /// </summary>
    public TimeSpan OnIncident(DateTimeOffset now, bool immediateFirst = false)
    {
        if (_runningSince is { } since && now - since >= Options.StableAfter) _consecutive = 0;
        _runningSince = null;
        _recent.Enqueue(now);
        while (_recent.Count > 0 && now - _recent.Peek() > Options.CrashLoopWindow) _recent.Dequeue();
        CrashLooping = _recent.Count >= Options.CrashLoopThreshold;
        var first = _consecutive == 0;
        var factor = Math.Pow(2, Math.Min(_consecutive, 30));
        _consecutive++;
        Restarts++;
        if (first && immediateFirst) return TimeSpan.Zero;
        var delay = TimeSpan.FromTicks((long)Math.Min(Options.Initial.Ticks * factor, Options.Cap.Ticks));
        return delay;
    }
}
