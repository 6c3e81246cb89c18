using System.Runtime;

namespace Composer.Cli;

/// <summary>
/// Loads a project with the garbage collector held off. Almost everything the loader builds (the YAML tree, the model,
/// the graph) lives until the command is done with the project, so each collection during the load only copies it to
/// an older generation: for 1,000 services about a quarter of the command's CPU, for nothing. A command loads once, at
/// its start, so the collector is asked not to run until the load has allocated <see cref="Budget"/>; past that (a
/// file of several MB) it collects as usual. The hold is let go a moment after the load, not at its end: the first
/// allocation after that collects (and copies) everything the load made, which a command that is done by then
/// (<c>config</c>, <c>ps</c>, an <c>up</c> with nothing to do) need not pay for; a longer one pays it once.
/// </summary>
internal static class LoadWithoutCollections
{
    /// <summary>About 120 bytes allocated per byte of compose file: room for a file of 2 MB (some 5,000 services).</summary>
    private const long Budget = 256L * 1024 * 1024;

    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(1);

    private static Timer? _release;

    public static T Run<T>(Func<T> load)
    {
        var held = false;
        try { held = GC.TryStartNoGCRegion(Budget); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // A heap limit below the budget (a small container) or a load already held off: load as usual.
        }
        try { return load(); }
        finally
        {
            if (held) _release = new Timer(_ => Release(), null, Hold, Timeout.InfiniteTimeSpan);
        }
    }

    private static void Release()
    {
        // Still held unless more than the budget was allocated since (the collector then ended the region itself).
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { }
    }
}
