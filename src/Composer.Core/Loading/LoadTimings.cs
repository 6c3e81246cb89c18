using System.Diagnostics;

namespace Composer.Core.Loading;

/// <summary>
/// Where a load's time went, stage by stage (<c>COMPOSER_TIMINGS=1</c> prints it): each <see cref="Lap"/> charges the
/// time and the bytes allocated since the previous one to a stage; a stage met again (one per file) adds up. Kept only
/// when asked for. Allocations matter as much as time here: everything the loader builds survives to the end, so every
/// collection on the way copies it again.
/// </summary>
public sealed class LoadTimings
{
    private readonly List<(string Stage, TimeSpan Elapsed, long Allocated)> _stages = [];
    private long _mark = Stopwatch.GetTimestamp();
    private long _allocated = GC.GetAllocatedBytesForCurrentThread();
    private readonly int _collections = GC.CollectionCount(0);
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();

    public IReadOnlyList<(string Stage, TimeSpan Elapsed, long Allocated)> Stages => _stages;

    /// <summary>Charges the time and allocations since the last lap (or since this was made) to <paramref name="stage"/>.</summary>
    public void Lap(string stage)
    {
        var now = Stopwatch.GetTimestamp();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var elapsed = Stopwatch.GetElapsedTime(_mark, now);
        var bytes = allocated - _allocated;
        (_mark, _allocated) = (now, allocated);
        var i = _stages.FindIndex(s => s.Stage == stage);
        if (i < 0) _stages.Add((stage, elapsed, bytes));
        else _stages[i] = (stage, _stages[i].Elapsed + elapsed, _stages[i].Allocated + bytes);
    }

    /// <summary>"stage ms/MB, …; total ms/MB; collections (gen0) and their pauses since this was made".</summary>
    public override string ToString()
    {
        var total = _stages.Aggregate((Ms: 0.0, Bytes: 0L), (t, s) => (t.Ms + s.Elapsed.TotalMilliseconds, t.Bytes + s.Allocated));
        return string.Join(", ", _stages.Select(s => $"{s.Stage} {s.Elapsed.TotalMilliseconds:F1}/{s.Allocated / 1048576.0:F1}")) +
            $"; total {total.Ms:F1} ms/{total.Bytes / 1048576.0:F1} MB; gc {GC.CollectionCount(0) - _collections} ({(GC.GetTotalPauseDuration() - _paused).TotalMilliseconds:F1} ms paused)";
    }
}
