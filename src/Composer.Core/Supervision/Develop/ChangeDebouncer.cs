namespace Composer.Core.Supervision.Develop;

/// <summary>
/// Groups a burst of file changes (an editor saving several files, a branch switch) into one batch, as Compose does:
/// a batch is due once no change came for <see cref="Quiet"/> (Compose: 500 ms). Unlike Compose, a batch is also due
/// <see cref="MaxDelay"/> after its first change, so a file rewritten without pause still gets synced. Pure: the
/// caller passes the time.
/// </summary>
public sealed class ChangeDebouncer(TimeSpan quiet, TimeSpan maxDelay)
{
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private DateTimeOffset _first;
    private DateTimeOffset _last;

    public static readonly TimeSpan DefaultQuiet = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(10);

    public TimeSpan Quiet { get; } = quiet;
    public TimeSpan MaxDelay { get; } = maxDelay;
    public int Count => _pending.Count;

    public void Add(string path, DateTimeOffset now)
    {
        if (_pending.Count == 0) _first = now;
        _pending.Add(path);
        _last = now;
    }

    /// <summary>When the pending batch is due; null when nothing is pending.</summary>
    public DateTimeOffset? DueAt => _pending.Count == 0 ? null : Min(_last + Quiet, _first + MaxDelay);

    /// <summary>The batch (each path once, sorted) when it is due at <paramref name="now"/>; null otherwise.</summary>
    public IReadOnlyList<string>? TakeIfDue(DateTimeOffset now)
    {
        if (DueAt is not { } due || now < due) return null;
        var batch = _pending.Order(StringComparer.Ordinal).ToList();
        _pending.Clear();
        return batch;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
